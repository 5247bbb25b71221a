package dev.kade.train;

import dev.kade.model.ScoreDistribution;
import java.util.Arrays;
import java.util.Locale;

/**
 * How the alert threshold is taken from the validation scores (held-out normal rows), without labels.
 *
 * <ul>
 *   <li>{@link #QUANTILE}: the empirical {@code q} quantile. Simple, but on a small validation split the top
 *       half percent is a handful of rows, so the threshold, and the false-alarm rate it gives, jump with
 *       the seed (measured: 0.8% of normal test rows flagged for a 0.5% target, up to 1.7%).</li>
 *   <li>{@link #POT} (peaks over threshold, the default): fits a generalised Pareto distribution to the
 *       exceedances over the 0.9 quantile, by probability-weighted moments (Hosking and Wallis 1987, no
 *       iterative fit that can fail), and returns the score exceeded with probability {@code 1 − q}. It
 *       uses the top 10% of the scores instead of the top 0.5%, so it is steadier on small sets. It never
 *       goes above the largest validation score: a threshold outside the calibrated score range is what
 *       the load-time check refuses as a lying model (it would alert on nothing the model was calibrated
 *       on), so on a tiny split a rare target is held at the largest normal score seen. Falls back to {@link #QUANTILE} when fewer than
 *       {@value #MIN_EXCEEDANCES} scores exceed the 0.9 quantile or the fit is degenerate.</li>
 *   <li>{@link #MAD}: {@code median + k · 1.4826 · MAD} with {@code k = } {@value #MAD_K}, a classic robust
 *       rule that needs no tail at all; it ignores {@code q} and flags more (it assumes a symmetric bulk,
 *       and anomaly scores have a long right tail).</li>
 * </ul>
 */
public enum ThresholdRule {
    QUANTILE, POT, MAD;

    /** Least number of exceedances over the POT base level for a fit. */
    static final int MIN_EXCEEDANCES = 10;
    /** Quantile of the scores used as the POT base level. */
    static final double POT_BASE = 0.9;
    /** Width of the MAD rule in robust standard deviations. */
    static final double MAD_K = 5.0;

    /** Parses quantile|pot|mad, case-insensitively, naming the option when it fails. */
    public static ThresholdRule parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("--threshold-rule " + text + ": expected quantile, pot or mad");
        }
    }

    /** The lower-case name used on the command line and in reports. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The threshold for validation {@code scores} with target quantile {@code q} (false-alarm rate 1 − q). */
    public double threshold(double[] scores, double q) {
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        return switch (this) {
            case QUANTILE -> ScoreDistribution.quantile(sorted, q);
            case POT -> pot(sorted, q);
            case MAD -> mad(sorted);
        };
    }

    static double pot(double[] sorted, double q) {
        return potFit(sorted, q).value();
    }

    /** How {@link #POT} came to its value: a real tail fit, or one of its documented fallbacks. */
    enum PotOutcome {
        FIT, BELOW_BASE, TOO_FEW_EXCEEDANCES, DEGENERATE, CAPPED_AT_MAX
    }

    record PotResult(double value, PotOutcome outcome, int exceedances) {
    }

    static PotResult potFit(double[] sorted, double q) {
        int n = sorted.length;
        double u = ScoreDistribution.quantile(sorted, POT_BASE);
        int first = 0;
        while (first < n && sorted[first] <= u) {
            first++;
        }
        int nt = n - first;
        if (nt < MIN_EXCEEDANCES || q >= 1) {
            return new PotResult(ScoreDistribution.quantile(sorted, q), PotOutcome.TOO_FEW_EXCEEDANCES, nt);
        }
        double rate = 1 - q;
        double tail = (double) nt / n;
        if (rate >= tail) { // the target lies below the base level: no extrapolation needed
            return new PotResult(ScoreDistribution.quantile(sorted, q), PotOutcome.BELOW_BASE, nt);
        }
        // probability-weighted moments of the exceedances y (ascending): a0 = mean, a1 = mean of y·(nt−1−i)/(nt−1)
        double a0 = 0;
        double a1 = 0;
        for (int i = 0; i < nt; i++) {
            double y = sorted[first + i] - u;
            a0 += y;
            a1 += y * (nt - 1 - i) / (nt - 1);
        }
        a0 /= nt;
        a1 /= nt;
        double denom = a0 - 2 * a1;
        if (!(denom > 0) || !(a0 > 0)) {
            return new PotResult(ScoreDistribution.quantile(sorted, q), PotOutcome.DEGENERATE, nt);
        }
        double k = a0 / denom - 2; // Hosking's shape; xi = -k
        double sigma = 2 * a0 * a1 / denom;
        double r = rate / tail;    // P(Y > y) for the exceedances
        double y = Math.abs(k) < 1e-9 ? -sigma * Math.log(r) : sigma / k * (1 - Math.pow(r, k));
        double t = u + y;
        if (!Double.isFinite(t) || t <= u) {
            return new PotResult(ScoreDistribution.quantile(sorted, q), PotOutcome.DEGENERATE, nt);
        }
        return t > sorted[n - 1] ? new PotResult(sorted[n - 1], PotOutcome.CAPPED_AT_MAX, nt) : new PotResult(t, PotOutcome.FIT, nt);
    }

    /**
     * What the threshold for these validation {@code scores} and target {@code q} really is, in words, for the
     * training summary and the report: the rule that produced the value (a fallback names itself and why),
     * and a warning when the quantile asked for is finer than the number of scores can resolve.
     */
    public String describe(double[] scores, double q) {
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        String quantile = String.format(Locale.ROOT, "quantile %s of %d validation scores", q, n);
        String text = switch (this) {
            case QUANTILE -> quantile;
            case MAD -> String.format(Locale.ROOT, "median + %s x 1.4826 x MAD of %d validation scores (mad ignores the quantile %s)",
                    MAD_K, n, q);
            case POT -> {
                PotResult r = potFit(sorted, q);
                yield switch (r.outcome()) {
                    case FIT -> String.format(Locale.ROOT, "pot: generalised Pareto fit to the %d of %d validation scores above their %s quantile,"
                            + " exceeded with probability %.4g", r.exceedances(), n, POT_BASE, 1 - q);
                    case BELOW_BASE -> quantile + " (pot: the target lies below its " + POT_BASE + " base level, no tail fit needed)";
                    case TOO_FEW_EXCEEDANCES -> quantile + " (pot fell back to the quantile: " + r.exceedances() + " scores above the "
                            + POT_BASE + " quantile, a fit needs " + MIN_EXCEEDANCES + ")";
                    case DEGENERATE -> quantile + " (pot fell back to the quantile: the tail fit was degenerate)";
                    case CAPPED_AT_MAX -> String.format(Locale.ROOT, "the largest of %d validation scores (pot's fit for quantile %s lies"
                            + " beyond every validation score, and a threshold outside the calibrated range would be refused)", n, q);
                };
            }
        };
        if (this != MAD && n * (1 - q) < 1) {
            text += String.format(Locale.ROOT, "; warning: %d scores cannot resolve quantile %s, so this only interpolates between"
                    + " the two largest validation scores (train on more rows, or lower --threshold-quantile)", n, q);
        }
        return text;
    }

    static double mad(double[] sorted) {
        double median = ScoreDistribution.quantile(sorted, 0.5);
        double[] dev = new double[sorted.length];
        for (int i = 0; i < dev.length; i++) {
            dev[i] = Math.abs(sorted[i] - median);
        }
        Arrays.sort(dev);
        double mad = 1.4826 * ScoreDistribution.quantile(dev, 0.5);
        return median + MAD_K * mad;
    }
}
