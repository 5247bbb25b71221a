package dev.kade.entity;

/**
 * Parameters of the per-entity anomaly likelihood ({@link AnomalyLikelihood}); names and defaults follow
 * Numenta's {@code anomaly_likelihood.py} where it has them.
 *
 * @param shortWindow    raw scores averaged for the short-term mean ({@code averagingWindow}, 10)
 * @param learningPeriod scores of an entity that only feed the distribution, never judged against it
 *                       ({@code learningPeriod} + {@code estimationSamples}; the likelihood is 0.5 until then)
 * @param history        scores the long-term distribution remembers: a running mean and variance over all
 *                       scores up to this count, then exponentially weighted with weight 1/history
 *                       ({@code historicWindowSize}, 8640, made constant-size per entity)
 * @param minStd         floor of the long-term standard deviation, relative to the long-term mean's size
 *                       plus an absolute part: {@code std >= minStd * (|mean| + 1e-6)} (Numenta floors the
 *                       variance of scores in [0,1] at 3e-4; model scores here have any scale, so the floor
 *                       is relative)
 * @param alertThreshold likelihood at or above which a windowed model's record alerts
 */
public record LikelihoodParams(int shortWindow, int learningPeriod, int history, double minStd, double alertThreshold) {
    /** Numenta's defaults and NAB's alerting level. */
    public static final LikelihoodParams DEFAULT = new LikelihoodParams(10, 388, 8640, 0.05, 0.9999);
    /** The most raw scores the short-term ring may keep (state size). */
    public static final int MAX_SHORT_WINDOW = 127;

    public LikelihoodParams {
        if (shortWindow < 1 || shortWindow > MAX_SHORT_WINDOW) {
            throw new IllegalArgumentException("likelihood short window must be in [1, " + MAX_SHORT_WINDOW + "]: " + shortWindow);
        }
        if (learningPeriod < 2) {
            throw new IllegalArgumentException("likelihood learning period must be >= 2: " + learningPeriod);
        }
        if (history < 2) {
            throw new IllegalArgumentException("likelihood history must be >= 2: " + history);
        }
        if (!(minStd >= 0) || !Double.isFinite(minStd)) {
            throw new IllegalArgumentException("likelihood min std must be finite and >= 0: " + minStd);
        }
        if (!(alertThreshold > 0 && alertThreshold <= 1)) {
            throw new IllegalArgumentException("likelihood alert threshold must be in (0, 1]: " + alertThreshold);
        }
    }
}
