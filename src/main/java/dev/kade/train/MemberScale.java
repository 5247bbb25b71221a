package dev.kade.train;

/**
 * How one ensemble member's output is put on the ensemble's common scale, with constants taken from the
 * member's scores on the shared validation split (held-out normal rows):
 * {@code score' = (t(score) − center) / spread}, where {@code t} is the identity or, with {@code log}, the
 * natural logarithm of {@code score + LOG_OFFSET}; {@code feature_errors' = feature_errors / errorScale}.
 *
 * <p>With {@code featureWeights} (used for AE members) the member's errors are first weighted per feature,
 * {@code e_j ← w_j · e_j} with {@code w_j = 1 / mean validation error of feature j}, and its score becomes
 * {@code mean_j w_j · e_j}: each feature's error counts in units of its own typical error, so a feature the
 * AE never reconstructs well cannot drown the others. Measured on the ten sets it lifts the AE members most
 * where the plain MSE is weak (annthyroid, mammography, wilt); the VAE keeps its negative ELBO, whose KL
 * term such a weighting would drop.
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
 * @param featureWeights per-feature error weights, or an empty array for the member's own score
 */
public record MemberScale(boolean log, double center, double spread, double errorScale, double[] featureWeights) {
    /** Added before the logarithm so that a zero score stays finite. */
    public static final double LOG_OFFSET = 1e-6;
    /** Spread used when the validation scores do not vary (a degenerate member). */
    private static final double MIN_SPREAD = 1e-12;

    /** The identity map, for a single model. */
    public static final MemberScale IDENTITY = new MemberScale(false, 0, 1, 1, new double[0]);

    public MemberScale {
        featureWeights = java.util.Objects.requireNonNull(featureWeights, "featureWeights").clone();
        for (double w : featureWeights) {
            if (!(w > 0) || !Double.isFinite(w)) {
                throw new IllegalArgumentException("feature weights must be positive and finite");
            }
        }
        if (!Double.isFinite(center) || !(spread > 0) || !Double.isFinite(spread) || !(errorScale > 0) || !Double.isFinite(errorScale)) {
            throw new IllegalArgumentException("member scale needs a finite centre and positive spreads: "
                    + center + ", " + spread + ", " + errorScale);
        }
    }

    /** Constants fitted on a member's validation scores. */
    public static MemberScale fit(double[] validationScores, boolean log) {
        return fit(validationScores, log, new double[0]);
    }

    /**
     * Per-feature weights {@code 1 / mean error} from a member's validation errors {@code [rows][F]} (a
     * feature with no error on normal rows gets weight 1).
     */
    public static double[] inverseMeanErrors(float[][] validationErrors) {
        int f = validationErrors[0].length;
        double[] w = new double[f];
        for (float[] row : validationErrors) {
            for (int j = 0; j < f; j++) {
                w[j] += row[j];
            }
        }
        for (int j = 0; j < f; j++) {
            double mean = w[j] / validationErrors.length;
            w[j] = mean > MIN_SPREAD && Float.isFinite((float) (1 / mean)) ? (float) (1 / mean) : 1; // float32, as the graph holds it
        }
        return w;
    }

    /** Whether the member's errors are re-weighted per feature (and its score recomputed from them). */
    public boolean weighted() {
        return featureWeights.length > 0;
    }

    /** The member's score from its own score and feature errors: the own score, or {@code mean_j w_j e_j}. */
    public double memberScore(double ownScore, float[] errors) {
        if (!weighted()) {
            return ownScore;
        }
        double s = 0;
        for (int j = 0; j < errors.length; j++) {
            s += (float) (featureWeights[j] * errors[j]);
        }
        return s / errors.length;
    }

    /** Constants fitted on a member's validation scores (already {@link #memberScore} scores when weighted). */
    public static MemberScale fit(double[] validationScores, boolean log, double[] featureWeights) {
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
        return new MemberScale(log, mean, sd > MIN_SPREAD ? sd : 1, rawMean > MIN_SPREAD ? rawMean : 1, featureWeights);
    }

    /** The member's score on the common scale. */
    public double score(double raw) {
        return (transform(raw, log) - center) / spread;
    }

    /** A member's feature error {@code j} on the common scale. */
    public double featureError(int j, double raw) {
        return (weighted() ? (float) (featureWeights[j] * raw) : raw) / errorScale;
    }

    @Override
    public double[] featureWeights() {
        return featureWeights.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemberScale m && log == m.log && center == m.center && spread == m.spread
                && errorScale == m.errorScale && java.util.Arrays.equals(featureWeights, m.featureWeights);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(log, center, spread, errorScale, java.util.Arrays.hashCode(featureWeights));
    }

    private static double transform(double s, boolean log) {
        return log ? Math.log(Math.max(s, 0) + LOG_OFFSET) : s;
    }
}
