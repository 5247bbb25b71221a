package dev.kade.train;

/**
 * How one ensemble member's output is put on the ensemble's common scale, with constants taken from the
 * member's scores on the shared validation split (held-out normal rows):
 * {@code score' = (t(score) − center) / spread}, where {@code t} is the identity or, with {@code log}, the
 * natural logarithm of {@code score + LOG_OFFSET}; {@code feature_errors' = feature_errors / errorScale}.
 *
 * <p>Why: an AE's mean squared error and a VAE's negative ELBO live on different scales, and so do two AEs
 * with different seeds. Averaging raw scores lets the member with the widest spread decide alone; after
 * this map every member's normal scores have mean 0 and spread 1, so each gets an equal vote. The errors
 * are divided by the member's mean validation score so that the combined errors keep the per-feature
 * proportions that name the feature which is off.
 *
 * @param log        whether the score is log-transformed before centring (tames heavy right tails)
 * @param center     mean of the (transformed) validation scores
 * @param spread     standard deviation of the (transformed) validation scores; positive
 * @param errorScale divisor of the feature errors; positive
 */
public record MemberScale(boolean log, double center, double spread, double errorScale) {
    /** Added before the logarithm so that a zero score stays finite. */
    public static final double LOG_OFFSET = 1e-6;
    /** Spread used when the validation scores do not vary (a degenerate member). */
    private static final double MIN_SPREAD = 1e-12;

    /** The identity map, for a single model. */
    public static final MemberScale IDENTITY = new MemberScale(false, 0, 1, 1);

    public MemberScale {
        if (!Double.isFinite(center) || !(spread > 0) || !Double.isFinite(spread) || !(errorScale > 0) || !Double.isFinite(errorScale)) {
            throw new IllegalArgumentException("member scale needs a finite centre and positive spreads: "
                    + center + ", " + spread + ", " + errorScale);
        }
    }

    /** Constants fitted on a member's validation scores. */
    public static MemberScale fit(double[] validationScores, boolean log) {
        int n = validationScores.length;
        double mean = 0;
        double rawMean = 0;
        for (double s : validationScores) {
            mean += transform(s, log);
            rawMean += s;
        }
        mean /= n;
        rawMean /= n;
        double var = 0;
        for (double s : validationScores) {
            double d = transform(s, log) - mean;
            var += d * d;
        }
        double sd = Math.sqrt(var / n);
        return new MemberScale(log, mean, sd > MIN_SPREAD ? sd : 1, rawMean > MIN_SPREAD ? rawMean : 1);
    }

    /** The member's score on the common scale. */
    public double score(double raw) {
        return (transform(raw, log) - center) / spread;
    }

    /** A member's feature error on the common scale. */
    public double featureError(double raw) {
        return raw / errorScale;
    }

    private static double transform(double s, boolean log) {
        return log ? Math.log(Math.max(s, 0) + LOG_OFFSET) : s;
    }
}
