package dev.kade.entity;

import java.util.Objects;

/**
 * How unusual a record is for its own entity: Numenta's anomaly likelihood, constant-size per entity, one channel
 * per feature of the model's {@code feature_errors}, with the post-processing nab-research measured on NAB
 * ({@link LikelihoodParams}; {@code /work/coord/nab-findings.md} v4).
 *
 * <p>Per scored record, per feature f, in this order: the short-term mean of the entity's last {@code shortWindow}
 * errors of f is judged against the long-term distribution of those short-term means as it stood before this
 * record (a normal with an exponentially weighted mean μ and variance): {@code z = (short − μ) / max(σ, minStd)},
 * the tail {@code q = erfc(z/√2)/2} and {@code s_f = ln(q + 1e-10) / ln(1e-10)} (Numenta's log transform,
 * computed from q, never from 1 − q, which saturates at 1 in double: 0.4 at a tail of 1e-4, 0.5 at 1e-5, 1 at
 * 1e-10); then the short-term mean is folded in. Until {@code learningPeriod} records have been folded in, s_f
 * is 0. Then {@code s = max_f s_f}; a record outside its entity's earlier range ({@code rangeMargin}) scores 1;
 * last a hold-off: after a score of at least {@code alertThreshold}, the next {@code holdOff} records score at
 * most {@code holdCap}, so that one incident raises one alert. The likelihood reported beside it is
 * {@code 1 − q} of the feature that gave the max.
 *
 * <p>All arithmetic is plain double or {@link StrictMath}: the same errors in the same order give the same
 * outputs bit for bit, on every JVM. Immutable; the state is the caller's.
 */
public final class AnomalyLikelihood {
    /** ln(1e-10): the denominator of the log transform, which maps a tail of 1e-10 to 1. */
    private static final double LOG_FLOOR = StrictMath.log(1e-10);
    private static final double SQRT2 = StrictMath.sqrt(2);

    private final LikelihoodParams params;
    private final double alpha;

    public AnomalyLikelihood(LikelihoodParams params) {
        this.params = Objects.requireNonNull(params, "params");
        this.alpha = params.alpha();
    }

    /**
     * One record's judgement.
     *
     * @param likelihood {@code 1 − q} of the feature that gave the largest score; NaN while still learning
     * @param score      the output score in [0, 1] after the range flag and the hold-off (what alerts)
     */
    public record Judgement(double likelihood, double score) {
    }

    public LikelihoodParams params() {
        return params;
    }

    /** A fresh state for a new entity of a model with {@code features} error columns. */
    public LikelihoodState newState(int features) {
        return new LikelihoodState(params.shortWindow(), features);
    }

    /** Judges one record's errors {@code errors[offset..offset+F)} and folds them into the entity's state. */
    public Judgement update(LikelihoodState s, float[] errors, int offset, boolean outOfRange) {
        int k = s.recent[0].length;
        for (int c = 0; c < s.channels; c++) {
            s.recent[c][s.next] = sanitize(errors[offset + c]);
        }
        s.next = (s.next + 1) % k;
        int folded = s.count;
        if (s.count < Integer.MAX_VALUE) {
            s.count++;
        }
        int n = Math.min(s.count, k);
        double best = 0;
        double bestQ = Double.NaN;
        double w = Math.max(alpha, 1.0 / s.count);
        for (int c = 0; c < s.channels; c++) {
            double shortMean = shortMean(s.recent[c], s.next, n);
            if (folded >= params.learningPeriod()) {
                double q = tail(s.mean[c], s.variance[c], shortMean);
                double sc = logScore(q);
                if (Double.isNaN(bestQ) || sc > best) {
                    best = sc;
                    bestQ = q;
                }
            }
            double d = shortMean - s.mean[c];
            s.mean[c] += w * d;
            s.variance[c] = (1 - w) * (s.variance[c] + w * d * d);
        }
        double score = outOfRange ? 1.0 : best;
        if (s.hold > 0) {
            s.hold--;
            score = Math.min(score, params.holdCap());
        } else if (score >= params.alertThreshold() && params.holdOff() > 0) {
            s.hold = params.holdOff();
        }
        return new Judgement(Double.isNaN(bestQ) ? Double.NaN : 1.0 - bestQ, score);
    }

    /** The judgement {@code errors} would get, changing nothing (a late record's). */
    public Judgement peek(LikelihoodState s, float[] errors, int offset, boolean outOfRange) {
        int k = s.recent[0].length;
        int n = Math.min(s.count + 1, k);
        double best = 0;
        double bestQ = Double.NaN;
        if (s.count >= params.learningPeriod()) {
            for (int c = 0; c < s.channels; c++) {
                double sum = sanitize(errors[offset + c]);
                for (int i = 1; i < n; i++) {
                    sum += s.recent[c][Math.floorMod(s.next - i, k)];
                }
                double q = tail(s.mean[c], s.variance[c], sum / n);
                double sc = logScore(q);
                if (Double.isNaN(bestQ) || sc > best) {
                    best = sc;
                    bestQ = q;
                }
            }
        }
        double score = outOfRange ? 1.0 : best;
        if (s.hold > 0) {
            score = Math.min(score, params.holdCap());
        }
        return new Judgement(Double.isNaN(bestQ) ? Double.NaN : 1.0 - bestQ, score);
    }

    /** Whether an output score alerts. */
    public boolean alerts(double score) {
        return score >= params.alertThreshold();
    }

    /** Numenta's log transform of a tail probability: {@code ln(q + 1e-10) / ln(1e-10)}, in [0, 1]. */
    public static double logScore(double q) {
        return Math.max(0, Math.min(1, StrictMath.log(q + 1e-10) / LOG_FLOOR));
    }

    private double tail(double mean, double variance, double shortMean) {
        double sd = Math.max(StrictMath.sqrt(Math.max(0, variance)), params.minStd());
        double z = (shortMean - mean) / sd;
        return 0.5 * erfc(z / SQRT2);
    }

    private static double shortMean(float[] ring, int next, int n) {
        double sum = 0;
        for (int i = 1; i <= n; i++) {
            sum += ring[Math.floorMod(next - i, ring.length)];
        }
        return sum / n;
    }

    /** A NaN error counts as nothing unusual; an infinite one as the largest float. */
    private static float sanitize(float e) {
        if (Float.isNaN(e)) {
            return 0f;
        }
        return Float.isInfinite(e) ? (e > 0 ? Float.MAX_VALUE : -Float.MAX_VALUE) : e;
    }

    /**
     * The complementary error function, with fractional error below 1.2e-7 everywhere (Numerical Recipes'
     * {@code erfcc}, a Chebyshev fit), so tails far below 1e-10 keep their relative accuracy.
     */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * StrictMath.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }
}
