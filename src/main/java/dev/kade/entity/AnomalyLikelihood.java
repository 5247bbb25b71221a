package dev.kade.entity;

import java.util.Objects;

/**
 * How unusual a raw model score is for its own entity: Numenta's anomaly likelihood, made constant-size per
 * entity. The short-term mean of the entity's last {@code shortWindow} raw scores is compared with the
 * long-term distribution (a normal with running mean and variance) of those short-term means; the
 * likelihood is {@code 1 - Q(z)}, one minus the normal upper tail, so an entity that is always noisy stays
 * near 0.5 and a quiet one reaches 0.9999 on a small change. A short-term mean below the long-term one is
 * reflected, as Numenta does, so it never looks anomalous.
 *
 * <p>Until an entity has {@code learningPeriod} scores the likelihood is 0.5 (nothing to compare with) and the
 * scores only feed the distribution. Numenta keeps a sliding window of 8640 scores and re-estimates every
 * 100; this keeps a running mean and variance (Welford, then exponentially weighted beyond {@code history}
 * scores), which needs 22 + 4·{@code shortWindow} bytes per entity instead of 34 KB, and judges each score
 * against the distribution as it was just before it.
 *
 * <p>All arithmetic is plain double or {@link StrictMath}: the same scores in the same order give the same
 * likelihoods bit for bit, on every JVM. Immutable; the state is the caller's.
 */
public final class AnomalyLikelihood {
    /** log(1 - 0.9999999999): the denominator of Numenta's log-likelihood, which maps 1 - 1e-10 to 1. */
    private static final double LOG_FLOOR = -23.02585084720009;

    private final LikelihoodParams params;

    public AnomalyLikelihood(LikelihoodParams params) {
        this.params = Objects.requireNonNull(params, "params");
    }

    public LikelihoodParams params() {
        return params;
    }

    /** A fresh state for a new entity. */
    public LikelihoodState newState() {
        return new LikelihoodState(params.shortWindow());
    }

    /** Adds {@code score} to the entity's state and answers its likelihood in [0, 1]. */
    public double update(LikelihoodState s, float score) {
        float x = sanitize(score);
        s.recent[s.next] = x;
        s.next = (s.next + 1) % s.recent.length;
        if (s.count < Integer.MAX_VALUE) {
            s.count++;
        }
        double avg = shortMean(s);
        double likelihood = judge(s, avg);
        learn(s, avg);
        return likelihood;
    }

    /** The likelihood {@code score} would have, without changing the state (a late record's). */
    public double peek(LikelihoodState s, float score) {
        float x = sanitize(score);
        int n = Math.min(s.count + 1, s.recent.length);
        // the short-term mean with x in place of the oldest score the ring would drop
        double sum = x;
        for (int k = 1; k < n; k++) {
            sum += s.recent[Math.floorMod(s.next - k, s.recent.length)];
        }
        LikelihoodState probe = new LikelihoodState(s.recent.length);
        probe.count = s.count + 1;
        probe.mean = s.mean;
        probe.variance = s.variance;
        return judge(probe, sum / n);
    }

    /** Whether a likelihood alerts. */
    public boolean alerts(double likelihood) {
        return likelihood >= params.alertThreshold();
    }

    /**
     * Numenta's log-likelihood: {@code log(1.0000000001 - L) / log(1e-10)}, which spreads the likelihoods
     * near 1 over [0, 1] (0.9999 maps to 0.4, 0.99999 to 0.5); what NAB's Numenta detector reports.
     */
    public static double logLikelihood(double likelihood) {
        return StrictMath.log(1.0000000001 - likelihood) / LOG_FLOOR;
    }

    private double judge(LikelihoodState s, double avg) {
        if (s.count <= params.learningPeriod()) {
            return 0.5;
        }
        double std = Math.max(StrictMath.sqrt(Math.max(0, s.variance)), params.minStd() * (Math.abs(s.mean) + 1e-6));
        if (!(std > 0)) {
            return avg > s.mean ? 1.0 : 0.5;
        }
        double z = (Math.max(avg, 2 * s.mean - avg) - s.mean) / std;
        double tail = 0.5 * erfc(z / StrictMath.sqrt(2));
        return 1.0 - tail;
    }

    /** Folds the short-term mean into the long-term distribution (Welford up to history, then weight 1/history). */
    private void learn(LikelihoodState s, double avg) {
        int n = Math.min(s.count, params.history());
        double delta = avg - s.mean;
        double w = 1.0 / n;
        s.mean += w * delta;
        // West's weighted update: for w = 1/n it is Welford's population variance; beyond history an EWMA variance
        s.variance = (1 - w) * (s.variance + w * delta * delta);
    }

    private static double shortMean(LikelihoodState s) {
        int n = Math.min(s.count, s.recent.length);
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += s.recent[Math.floorMod(s.next - k, s.recent.length)];
        }
        return sum / n;
    }

    /** A NaN score counts as nothing unusual; +Infinity as the largest float. */
    private static float sanitize(float score) {
        if (Float.isNaN(score)) {
            return 0f;
        }
        return Float.isInfinite(score) ? (score > 0 ? Float.MAX_VALUE : -Float.MAX_VALUE) : score;
    }

    /**
     * The complementary error function, with fractional error below 1.2e-7 everywhere (Numerical Recipes'
     * Chebyshev fit), enough for tails down to 1e-12.
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
