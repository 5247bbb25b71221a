package dev.kade.entity;

/**
 * Parameters of the per-entity anomaly likelihood ({@link AnomalyLikelihood}). The defaults are nab-research's
 * final design on NAB (the 24 shared files, official scorer: 71.96 standard; {@code /work/coord/nab-findings.md}
 * v4): Numenta's published likelihood defaults, the range flag and a hold-off.
 *
 * @param shortWindow    errors averaged into the short-term mean (Numenta: 10)
 * @param learningPeriod short-term means folded into the long-term distribution before any is judged against
 *                       it; until then the output score is 0 (150)
 * @param halfLife       half-life, in records, of the long-term mean and variance: weight
 *                       {@code max(1 − 0.5^(1/halfLife), 1/m)} after m records (Welford at first, then
 *                       exponentially weighted; 8640, Numenta's history length)
 * @param minStd         floor of the long-term standard deviation (measured: 1e-3)
 * @param rangeMargin    the spatial flag: a record outside its entity's earlier [min, max] widened by this share of
 *                       the range on either side scores 1 (Numenta's NAB detector; measured: 0.05); negative = off
 * @param holdOff        records after an alert-level score during which the score is capped at {@link #holdCap}
 *                       (measured: 50); 0 = off
 * @param holdCap        the cap during a hold-off (measured: 0.3)
 * @param alertThreshold output score at or above which a windowed model's record alerts (0.5 is a tail of 1e-5)
 */
public record LikelihoodParams(int shortWindow, int learningPeriod, double halfLife, double minStd, double rangeMargin,
                               int holdOff, double holdCap, double alertThreshold) {
    /** nab-research's final design (v4). */
    public static final LikelihoodParams DEFAULT = new LikelihoodParams(10, 150, 8640, 1e-3, 0.05, 50, 0.3, 0.5);
    /** The most raw scores the short-term ring may keep (state size). */
    public static final int MAX_SHORT_WINDOW = 127;

    public LikelihoodParams {
        if (shortWindow < 1 || shortWindow > MAX_SHORT_WINDOW) {
            throw new IllegalArgumentException("series.likelihood.short.window must be in [1, " + MAX_SHORT_WINDOW + "]: "
                    + shortWindow);
        }
        if (learningPeriod < 0) {
            throw new IllegalArgumentException("series.likelihood.learning.period must be >= 0: " + learningPeriod);
        }
        if (!(halfLife > 0) || Double.isNaN(halfLife)) {
            throw new IllegalArgumentException("series.likelihood.half.life must be positive: " + halfLife);
        }
        if (!(minStd > 0) || !Double.isFinite(minStd)) {
            throw new IllegalArgumentException("series.likelihood.min.std must be positive and finite: " + minStd);
        }
        if (Double.isNaN(rangeMargin) || Double.isInfinite(rangeMargin)) {
            throw new IllegalArgumentException("series.range.margin must be finite: " + rangeMargin);
        }
        if (holdOff < 0) {
            throw new IllegalArgumentException("series.hold.off must be >= 0: " + holdOff);
        }
        if (!(holdCap >= 0 && holdCap <= 1)) {
            throw new IllegalArgumentException("series.hold.cap must be in [0, 1]: " + holdCap);
        }
        if (!(alertThreshold > 0 && alertThreshold <= 1)) {
            throw new IllegalArgumentException("series.alert.threshold must be in (0, 1]: " + alertThreshold);
        }
    }

    /** Weight floor of the long-term EWM, {@code 1 − 0.5^(1/halfLife)}. */
    public double alpha() {
        return -StrictMath.expm1(-StrictMath.log(2) / halfLife);
    }
}
