package dev.kade.entity;

import java.util.Objects;

/**
 * How unusual a raw model score is for its own entity: Numenta's anomaly likelihood, constant-size per entity,
 * with the parameters and the two additions nab-research measured on NAB ({@link LikelihoodParams}).
 *
 * <p>Per scored record, in this order: the short-term mean of the entity's last {@code shortWindow} raw scores
 * is judged against the long-term distribution of short-term means as it stood before this record (a normal with
 * an exponentially weighted mean and variance): {@code z = (short − μ) / max(σ, minStd)}, the tail
 * {@code q = erfc(z/√2)/2} and the likelihood {@code 1 − q}. The output score is Numenta's log transform of the
 * tail, {@code s = ln(q + 1e-10) / ln(1e-10)} (computed from q, never from 1 − q, which saturates at 1 in
 * double): 0.4 at a tail of 1e-4, 0.5 at 1e-5, 1 at 1e-10. Then the short-term mean is folded in. Until
 * {@code learningPeriod} means have been folded in, s is 0. A record outside its entity's earlier range
 * ({@link EntityState}'s min/max, widened by {@code rangeMargin}) scores 1. Last, a hold-off: after a score of
 * at least {@code alertThreshold}, the next {@code holdOff} records score at most {@code holdCap}, so that one
 * incident raises one alert.
 *
 * <p>All arithmetic is plain double or {@link StrictMath}: the same scores in the same order give the same
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
     * @param likelihood {@code 1 − q}; NaN while the entity's likelihood is still learning
     * @param score      the output score in [0, 1] after the range flag and the hold-off (what alerts)
     */
    public record Judgement(double likelihood, double score) {
    }

    public LikelihoodParams params() {
        return params;
    }

    /** A fresh state for a new entity. */
    public LikelihoodState newState() {
        return new LikelihoodState(params.shortWindow());
    }

    /** Judges {@code raw} and adds it to the entity's state. */
    public Judgement update(LikelihoodState s, float raw, boolean outOfRange) {
        float x = sanitize(raw);
        s.recent[s.next] = x;
        s.next = (s.next + 1) % s.recent.length;
        if (s.count < Integer.MAX_VALUE) {
            s.count++;
        }
        double shortMean = shortMean(s.recent, s.next, Math.min(s.count, s.recent.length));
        int folded = s.count - 1;
        double q = folded >= params.learningPeriod() ? tail(s, shortMean) : Double.NaN;
        learn(s, shortMean);
        double score = Double.isNaN(q) ? 0 : logScore(q);
        if (outOfRange) {
            score = 1.0;
        }
        if (s.hold > 0) {
            s.hold--;
            score = Math.min(score, params.holdCap());
        } else if (score >= params.alertThreshold() && params.holdOff() > 0) {
            s.hold = params.holdOff();
        }
        return new Judgement(Double.isNaN(q) ? Double.NaN : 1.0 - q, score);
    }

    /** The judgement {@code raw} would get, changing nothing (a late record's). */
    public Judgement peek(LikelihoodState s, float raw, boolean outOfRange) {
        float x = sanitize(raw);
        int n = Math.min(s.count + 1, s.recent.length);
        double sum = x;
        for (int k = 1; k < n; k++) {
            sum += s.recent[Math.floorMod(s.next - k, s.recent.length)];
        }
        double q = s.count >= params.learningPeriod() ? tail(s, sum / n) : Double.NaN;
        double score = Double.isNaN(q) ? 0 : logScore(q);
        if (outOfRange) {
            score = 1.0;
        }
        if (s.hold > 0) {
            score = Math.min(score, params.holdCap());
        }
        return new Judgement(Double.isNaN(q) ? Double.NaN : 1.0 - q, score);
    }

    /** Whether an output score alerts. */
    public boolean alerts(double score) {
        return score >= params.alertThreshold();
    }

    /** Numenta's log transform of a tail probability: {@code ln(q + 1e-10) / ln(1e-10)}, in [0, 1]. */
    public static double logScore(double q) {
        return Math.max(0, Math.min(1, StrictMath.log(q + 1e-10) / LOG_FLOOR));
    }

    private double tail(LikelihoodState s, double shortMean) {
        double sd = Math.max(StrictMath.sqrt(Math.max(0, s.variance)), params.minStd());
        double z = (shortMean - s.mean) / sd;
        return 0.5 * erfc(z / SQRT2);
    }

    /** Folds a short-term mean into the long-term distribution: weight {@code max(α, 1/m)}. */
    private void learn(LikelihoodState s, double shortMean) {
        double w = Math.max(alpha, 1.0 / s.count);
        double d = shortMean - s.mean;
        s.mean += w * d;
        s.variance = (1 - w) * (s.variance + w * d * d);
    }

    private static double shortMean(float[] ring, int next, int n) {
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += ring[Math.floorMod(next - k, ring.length)];
        }
        return sum / n;
    }

    /** A NaN score counts as nothing unusual; an infinite one as the largest float. */
    private static float sanitize(float score) {
        if (Float.isNaN(score)) {
            return 0f;
        }
        return Float.isInfinite(score) ? (score > 0 ? Float.MAX_VALUE : -Float.MAX_VALUE) : score;
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
