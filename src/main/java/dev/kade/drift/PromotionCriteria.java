package dev.kade.drift;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a shadow model must have shown before {@code kade promote} makes it the serving model: that it ranks records as
 * the champion does (rank correlation), pages on the same records (alert overlap), would not page more than a budget
 * (alert rate), and was watched long enough for these to mean something (records and time since it was paired with the
 * serving model). Every criterion is judged on every instance ({@link ShadowEvidence}); one that is not met refuses
 * the promotion with a message naming it. An unset criterion is the permissive value (0, 1, 0 records, no time).
 *
 * @param minRankCorrelation at least this Spearman correlation of scores (−1..1); a NaN reading fails when above −1
 * @param minAlertOverlap    at least this share of the would-be alerts in common (0..1); NaN (neither would alert in the
 *                           window) passes: no disagreement was seen
 * @param maxAlertRate       the shadow would alert on at most this share of records (0..1)
 * @param minRecords         at least this many records scored by both since pairing
 * @param minAge             at least this long since pairing
 */
public record PromotionCriteria(double minRankCorrelation, double minAlertOverlap, double maxAlertRate, long minRecords,
                                Duration minAge) {
    /** Option names, as {@code kade promote} spells them: the refusal names the criterion by them. */
    public static final String RANK_CORRELATION = "--min-rank-correlation";
    public static final String ALERT_OVERLAP = "--min-alert-overlap";
    public static final String ALERT_RATE = "--max-alert-rate";
    public static final String RECORDS = "--min-records";
    public static final String AGE = "--min-age";

    public PromotionCriteria {
        if (!(minRankCorrelation >= -1 && minRankCorrelation <= 1)) {
            throw new IllegalArgumentException(RANK_CORRELATION + " must be in -1..1, got " + minRankCorrelation);
        }
        if (!(minAlertOverlap >= 0 && minAlertOverlap <= 1)) {
            throw new IllegalArgumentException(ALERT_OVERLAP + " must be in 0..1, got " + minAlertOverlap);
        }
        if (!(maxAlertRate >= 0 && maxAlertRate <= 1)) {
            throw new IllegalArgumentException(ALERT_RATE + " must be in 0..1, got " + maxAlertRate);
        }
        if (minRecords < 0) {
            throw new IllegalArgumentException(RECORDS + " must be >= 0, got " + minRecords);
        }
        Objects.requireNonNull(minAge, "minAge");
        if (minAge.isNegative()) {
            throw new IllegalArgumentException(AGE + " must not be negative, got " + minAge);
        }
    }

    /**
     * The criteria {@code evidence} does not meet, each as a sentence naming the criterion, its setting and the
     * reading; empty when the shadow may be promoted on this instance. {@code expectedShadow} is the version of the
     * file about to be promoted: evidence about another shadow is no evidence.
     */
    public List<String> unmet(ShadowEvidence evidence, String expectedShadow, Instant now) {
        List<String> unmet = new ArrayList<>();
        if (evidence.shadowVersion().isEmpty()) {
            unmet.add("no shadow model: kade_shadow_info is absent (is model.shadow.path set?)");
            return unmet;
        }
        String shadow = evidence.shadowVersion().get();
        if (!shadow.equals(expectedShadow)) {
            unmet.add("the instance shadows version " + shadow + ", not " + expectedShadow + " (the shadow file): "
                    + "it has not been measured yet");
            return unmet;
        }
        double rank = evidence.rankCorrelation();
        if (minRankCorrelation > -1 && !(rank >= minRankCorrelation)) {
            unmet.add(RANK_CORRELATION + " " + minRankCorrelation + ": kade_shadow_rank_correlation is " + rank);
        }
        double overlap = evidence.alertOverlap();
        if (!Double.isNaN(overlap) && overlap < minAlertOverlap) {
            unmet.add(ALERT_OVERLAP + " " + minAlertOverlap + ": kade_shadow_alert_overlap is " + overlap);
        }
        double rate = evidence.shadowAlertRate();
        if (!Double.isNaN(rate) && rate > maxAlertRate) {
            unmet.add(ALERT_RATE + " " + maxAlertRate + ": the shadow would alert on " + evidence.pairedAlerts() + " of "
                    + evidence.pairedRecords() + " records (" + rate + ")");
        }
        if (evidence.pairedRecords() < minRecords) {
            unmet.add(RECORDS + " " + minRecords + ": " + evidence.pairedRecords() + " records scored by both so far");
        }
        Duration age = evidence.pairedSince().isAfter(now) ? Duration.ZERO : Duration.between(evidence.pairedSince(), now);
        if (age.compareTo(minAge) < 0) {
            unmet.add(AGE + " " + minAge + ": in shadow for " + age.withNanos(0));
        }
        return unmet;
    }
}
