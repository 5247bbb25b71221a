package dev.kade.drift;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What one running kade instance says about its shadow, as read from its {@code /metrics} page: the versions of the
 * serving and shadow models and how they agree since they were paired. What {@link PromotionCriteria} judges.
 *
 * @param servingVersion  {@code kade_model_info{version}}
 * @param shadowVersion   {@code kade_shadow_info{version}}, empty when the instance has no shadow
 * @param rankCorrelation {@code kade_shadow_rank_correlation} (NaN until 2 records)
 * @param alertOverlap    {@code kade_shadow_alert_overlap} (NaN while neither would alert)
 * @param pairedRecords   {@code kade_shadow_paired_records}
 * @param pairedAlerts    {@code kade_shadow_paired_alerts}: the shadow's would-be alerts among them
 * @param pairedSince     {@code kade_shadow_paired_since_seconds}
 */
public record ShadowEvidence(String servingVersion, Optional<String> shadowVersion, double rankCorrelation,
                             double alertOverlap, long pairedRecords, long pairedAlerts, Instant pairedSince) {
    public ShadowEvidence {
        Objects.requireNonNull(servingVersion, "servingVersion");
        Objects.requireNonNull(shadowVersion, "shadowVersion");
        Objects.requireNonNull(pairedSince, "pairedSince");
    }

    /** The shadow's would-be alert rate since pairing (NaN before any record). */
    public double shadowAlertRate() {
        return pairedRecords == 0 ? Double.NaN : (double) pairedAlerts / pairedRecords;
    }

    /**
     * Reads a Prometheus text exposition ({@code /metrics}) of one instance.
     *
     * @throws IllegalArgumentException naming what is missing, when the page has no serving model
     */
    public static ShadowEvidence parse(String prometheusText) {
        String serving = null;
        String shadow = null;
        double rank = Double.NaN;
        double overlap = Double.NaN;
        double records = 0;
        double alerts = 0;
        double since = Double.NaN;
        for (String line : prometheusText.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String name = line.substring(0, brace >= 0 && brace < space ? brace : line.indexOf(' '));
            String labels = brace >= 0 && brace < space ? line.substring(brace, line.lastIndexOf('}') + 1) : "";
            double value = value(line.substring(space + 1));
            switch (name) {
                case "kade_model_info" -> serving = label(labels, "version");
                case "kade_shadow_info" -> shadow = label(labels, "version");
                case "kade_shadow_rank_correlation" -> rank = value;
                case "kade_shadow_alert_overlap" -> overlap = value;
                case "kade_shadow_paired_records" -> records = value;
                case "kade_shadow_paired_alerts" -> alerts = value;
                case "kade_shadow_paired_since_seconds" -> since = value;
                default -> { }
            }
        }
        if (serving == null) {
            throw new IllegalArgumentException("no kade_model_info series: is this a running kade's /metrics?");
        }
        Instant pairedSince = Double.isNaN(since) ? Instant.MAX : Instant.ofEpochMilli(Math.round(since * 1000));
        return new ShadowEvidence(serving, Optional.ofNullable(shadow), rank, overlap, (long) records, (long) alerts,
                pairedSince);
    }

    private static double value(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    yield Double.NaN;
                }
            }
        };
    }

    private static String label(String labels, String key) {
        String start = key + "=\"";
        int at = labels.startsWith("{" + start) ? 1 : labels.indexOf("," + start) + 1;
        if (at <= 0) {
            return null;
        }
        int from = at + start.length();
        StringBuilder v = new StringBuilder();
        for (int i = from; i < labels.length(); i++) {
            char c = labels.charAt(i);
            if (c == '\\' && i + 1 < labels.length()) {
                char n = labels.charAt(++i);
                v.append(n == 'n' ? '\n' : n);
            } else if (c == '"') {
                return v.toString();
            } else {
                v.append(c);
            }
        }
        return null;
    }
}
