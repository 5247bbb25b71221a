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
 * this map every member's normal scores have median 0 and a robust spread of 1, so each gets an equal vote.
 * The errors are divided by the member's mean validation score so that the combined errors keep the
 * per-feature proportions that name the feature which is off.
 *
 * <p>Why median and IQR ({@link Fit#MEDIAN_IQR}, the default) rather than mean and standard deviation:
 * reconstruction scores of normal rows are heavy-tailed, so a member's standard deviation is decided by the
 * few largest validation scores, i.e. by which rows the seed happened to put into the validation split and
 * how well this member happened to fit them. That number sets the member's weight in the mean, so the
 * balance between AEs and VAEs moved with the seed. The median and the interquartile range are taken from
 * the bulk of the normal rows and hardly move. Measured on the ten quality sets (same members, seeds 1, 2,
 * 3, 42), the mean ROC-AUC moves by 0.004 over the seeds instead of 0.009, and the per-set seed standard
 * deviation falls from 0.0105 to 0.0079 (README, Quality).
 *
 * @param log        whether the score is log-transformed before centring (tames heavy right tails)
 * @param center     median (or mean, {@link Fit#MEAN_SD}) of the (transformed) validation scores
 * @param spread     IQR / 1.349 (or standard deviation) of the (transformed) validation scores; positive
 * @param errorScale divisor of the feature errors; positive
 * @param featureWeights per-feature error weights, or an empty array for the member's own score
 */
public record MemberScale(boolean log, double center, double spread, double errorScale, double[] featureWeights) {
    /** Added before the logarithm so that a zero score stays finite. */
    public static final double LOG_OFFSET = 1e-6;
    /** Spread used when the validation scores do not vary (a degenerate member). */
    private static final double MIN_SPREAD = 1e-12;

    /** How centre and spread are taken from the validation scores. */
    public enum Fit {
        /** Median and interquartile range / 1.349 (the standard deviation for normal data); the default. */
        MEDIAN_IQR,
        /** Mean and standard deviation: the earlier default, kept for comparison (ablation). */
        MEAN_SD
    }

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
        return fit(validationScores, log, featureWeights, Fit.MEDIAN_IQR);
    }

    /**
     * Constants fitted on a member's validation scores with the given {@link Fit}. A robust spread of zero
     * (more than half the scores equal) falls back to the standard deviation, and a zero standard deviation
     * to 1, so a degenerate member never divides by zero.
     */
    public static MemberScale fit(double[] validationScores, boolean log, double[] featureWeights, Fit fit) {
        java.util.Objects.requireNonNull(fit, "fit");
        int n = validationScores.length;
        if (n == 0) {
            throw new IllegalArgumentException("no validation scores to fit a member scale on");
        }
        double[] t = new double[n];
        double rawMean = 0;
        double mean = 0;
        for (int i = 0; i < n; i++) {
            t[i] = transform(validationScores[i], log);
            mean += t[i];
            rawMean += validationScores[i];
        }
        mean /= n;
        rawMean /= n;
        double var = 0;
        for (double x : t) {
            double d = x - mean;
            var += d * d;
        }
        double sd = Math.sqrt(var / n);
        double center = mean;
        double spread = sd;
        if (fit == Fit.MEDIAN_IQR) {
            double[] sorted = t.clone();
            java.util.Arrays.sort(sorted);
            center = dev.kade.model.ScoreDistribution.quantile(sorted, 0.5);
            double iqr = (dev.kade.model.ScoreDistribution.quantile(sorted, 0.75)
                    - dev.kade.model.ScoreDistribution.quantile(sorted, 0.25)) / IQR_PER_SD;
            spread = iqr > MIN_SPREAD ? iqr : sd;
        }
        return new MemberScale(log, center, spread > MIN_SPREAD ? spread : 1, rawMean > MIN_SPREAD ? rawMean : 1, featureWeights);
    }

    /** Interquartile range of a normal distribution in standard deviations. */
    private static final double IQR_PER_SD = 1.349;

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
