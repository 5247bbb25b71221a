package dev.kade.entity;

import java.time.Duration;
import java.util.Objects;

/**
 * How the stream keeps each entity's series: warm-up, gaps, late records, idle expiry and the likelihood.
 * Event time only, never the wall clock: the same input gives the same state and scores.
 *
 * @param warmUp           {@code series.warmup}
 * @param warmUpMinSteps   {@code series.warmup.min.steps}: steps before {@link WarmUpPolicy#IMPUTE} scores a
 *                         partial window (at least 1)
 * @param gap              {@code series.gap}
 * @param maxGap           {@code series.gap.max.ms}: the longest step that is not a gap; zero for no gaps
 * @param late             {@code series.late}
 * @param idleExpiry       {@code series.idle.expiry.ms}: an entity whose last record is older than this, measured
 *                         against the newest event time its task has seen, leaves the state; zero for never
 * @param sweepInterval    {@code series.expiry.sweep.interval.ms}: stream time between two sweeps
 * @param sweepMaxEntities {@code series.expiry.sweep.max.entities}: entities one sweep visits at most
 * @param likelihood       the likelihood's parameters
 */
public record SeriesPolicy(WarmUpPolicy warmUp, int warmUpMinSteps, GapPolicy gap, Duration maxGap, LatePolicy late,
                           Duration idleExpiry, Duration sweepInterval, int sweepMaxEntities, LikelihoodParams likelihood) {
    /** Wait for a full window, restart on no gap, score late records, never expire. */
    public static final SeriesPolicy DEFAULT = new SeriesPolicy(WarmUpPolicy.WAIT, 1, GapPolicy.RESTART, Duration.ZERO,
            LatePolicy.SCORE, Duration.ZERO, Duration.ofMinutes(1), 1000, LikelihoodParams.DEFAULT);

    public SeriesPolicy {
        Objects.requireNonNull(warmUp, "warmUp");
        Objects.requireNonNull(gap, "gap");
        Objects.requireNonNull(maxGap, "maxGap");
        Objects.requireNonNull(late, "late");
        Objects.requireNonNull(idleExpiry, "idleExpiry");
        Objects.requireNonNull(sweepInterval, "sweepInterval");
        Objects.requireNonNull(likelihood, "likelihood");
        if (warmUpMinSteps < 1) {
            throw new IllegalArgumentException("series.warmup.min.steps must be >= 1: " + warmUpMinSteps);
        }
        if (maxGap.isNegative() || idleExpiry.isNegative()) {
            throw new IllegalArgumentException("series durations must not be negative");
        }
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException("series.expiry.sweep.interval.ms must be positive");
        }
        if (sweepMaxEntities < 1) {
            throw new IllegalArgumentException("series.expiry.sweep.max.entities must be >= 1: " + sweepMaxEntities);
        }
    }

    public SeriesPolicy withWarmUp(WarmUpPolicy p, int minSteps) {
        return new SeriesPolicy(p, minSteps, gap, maxGap, late, idleExpiry, sweepInterval, sweepMaxEntities, likelihood);
    }

    public SeriesPolicy withGap(GapPolicy p, Duration max) {
        return new SeriesPolicy(warmUp, warmUpMinSteps, p, max, late, idleExpiry, sweepInterval, sweepMaxEntities, likelihood);
    }

    public SeriesPolicy withLate(LatePolicy p) {
        return new SeriesPolicy(warmUp, warmUpMinSteps, gap, maxGap, p, idleExpiry, sweepInterval, sweepMaxEntities, likelihood);
    }

    public SeriesPolicy withExpiry(Duration idle, Duration every, int maxEntities) {
        return new SeriesPolicy(warmUp, warmUpMinSteps, gap, maxGap, late, idle, every, maxEntities, likelihood);
    }

    public SeriesPolicy withLikelihood(LikelihoodParams p) {
        return new SeriesPolicy(warmUp, warmUpMinSteps, gap, maxGap, late, idleExpiry, sweepInterval, sweepMaxEntities, p);
    }
}
