package dev.kade.incident;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How many incidents each of a fixed ladder of thresholds would have opened: the state behind an alert budget.
 *
 * <p>The ladder has {@link #LEVELS} levels, log-spaced from the model's threshold up ({@link #PER_OCTAVE} per doubling,
 * so up to about 235 times it): level {@code i} is {@code threshold × 2^(i/8)}. For every anomaly, each level its score
 * reaches is checked as a threshold would be: if the level was not reached within the quiet time before, an incident
 * would have opened there, and the level's count goes up. So the counts are incidents (runs separated by the quiet
 * time), not anomalous records, which is what a budget counts. A level reached more recently than another is never
 * lower, so the levels an anomaly opens at form one range up to its score: the sum of several ladders (a task's
 * entities) is kept by adding those ranges.
 *
 * <p>Counts decay with event time (time constant one day, {@link #TAU_MS}), so the ladder follows a stream whose scores
 * drift and a rate is a count over the decayed span ({@link #rate}). Fixed levels make the state small (1 KiB) and
 * mergeable, and derive the same threshold from the same records after any replay or restore.
 *
 * <p>Not thread-safe: owned by one task.
 */
final class ScoreLadder {
    static final int LEVELS = 64;
    static final int PER_OCTAVE = 8;
    static final double TAU_MS = 86_400_000.0;
    private static final byte FORMAT = 1;

    private final long[] lastAt = new long[LEVELS];
    private final double[] counts = new double[LEVELS];
    private long decayedAt = Long.MIN_VALUE;
    /** Incidents that really opened under this ladder's key (the start-up rule caps them). */
    private long opened;

    ScoreLadder() {
        Arrays.fill(lastAt, Long.MIN_VALUE);
    }

    /** The score of level {@code i} for a model threshold. */
    static double level(double threshold, double i) {
        return threshold * Math.pow(2, i / PER_OCTAVE);
    }

    /** The highest level {@code score} reaches, or -1 below the threshold. */
    static int top(double threshold, double score) {
        if (!(score >= threshold) || threshold <= 0) {
            return threshold <= 0 && score >= threshold ? LEVELS - 1 : -1;
        }
        int i = (int) Math.floor(PER_OCTAVE * Math.log(score / threshold) / Math.log(2));
        // floating point at a level's edge: the level is reached only when the score is at or above it
        while (i >= 0 && score < level(threshold, i)) {
            i--;
        }
        return Math.min(i, LEVELS - 1);
    }

    /**
     * An anomaly at event time {@code at} reaching levels {@code 0..top}; returns the lowest level at which it opens
     * an incident (the range up to {@code top} all do), or {@code top + 1} when it opens none.
     */
    int observe(int top, long at, long quietMs) {
        int from = top + 1;
        for (int i = top; i >= 0; i--) {
            if (lastAt[i] == Long.MIN_VALUE || at - lastAt[i] >= quietMs) {
                from = i;
            }
            if (at > lastAt[i]) {
                lastAt[i] = at;
            }
        }
        if (from <= top) {
            add(from, top, at);
        }
        return from;
    }

    /** Counts one incident at levels {@code from..top} (a task's sum of its entities' ladders). */
    void add(int from, int top, long at) {
        decay(at);
        for (int i = from; i <= top; i++) {
            counts[i] += 1;
        }
    }

    private void decay(long at) {
        if (decayedAt == Long.MIN_VALUE) {
            decayedAt = at;
        } else if (at > decayedAt) {
            double f = Math.exp(-(at - decayedAt) / TAU_MS);
            for (int i = 0; i < LEVELS; i++) {
                counts[i] *= f;
            }
            decayedAt = at;
        }
    }

    /**
     * Incidents per day at level {@code i} as of {@code now}, over {@code span} ms of event time watched: the decayed
     * count over the decayed span, {@code τ(1 − e^(−span/τ))}.
     */
    double[] rates(long now, long span) {
        double[] r = new double[LEVELS];
        if (decayedAt == Long.MIN_VALUE || span <= 0) {
            return r;
        }
        double f = now > decayedAt ? Math.exp(-(now - decayedAt) / TAU_MS) : 1.0;
        double days = TAU_MS * -Math.expm1(-span / TAU_MS) / 86_400_000.0;
        for (int i = 0; i < LEVELS; i++) {
            r[i] = counts[i] * f / days;
        }
        return r;
    }

    /**
     * The lowest threshold whose rate is at most {@code perDay}, in units of the model's threshold (1: the model's own
     * threshold already keeps within it). Between the last level over budget and the first within it, log-linear
     * interpolation of the rate; past the top level, one level more than the top (only scores above it open).
     */
    static double threshold(double[] rates, double perDay) {
        if (rates[0] <= perDay) {
            return 1.0;
        }
        for (int i = 1; i < LEVELS; i++) {
            if (rates[i] <= perDay) {
                double above = rates[i - 1];
                double f = rates[i] > 0 ? Math.log(above / perDay) / Math.log(above / rates[i]) : 1.0;
                return Math.pow(2, (i - 1 + f) / PER_OCTAVE);
            }
        }
        return Math.pow(2, (double) LEVELS / PER_OCTAVE);
    }

    /**
     * Event time of the latest anomaly recorded (one joining a run included) or incident counted, or
     * {@link Long#MIN_VALUE} before any.
     */
    long lastCounted() {
        return Math.max(decayedAt, lastAt[0]);
    }

    long opened() {
        return opened;
    }

    void opened(long n) {
        opened += n;
    }

    private static final int SIZE = 1 + 2 * Long.BYTES + LEVELS * (Long.BYTES + Double.BYTES);

    byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.put(FORMAT).putLong(decayedAt).putLong(opened);
        for (int i = 0; i < LEVELS; i++) {
            b.putLong(lastAt[i]).putDouble(counts[i]);
        }
        return b.array();
    }

    /** @throws IllegalArgumentException for bytes this version does not write */
    static ScoreLadder fromBytes(byte[] bytes) {
        if (bytes.length != SIZE || bytes[0] != FORMAT) {
            throw new IllegalArgumentException("unknown score ladder format (" + bytes.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        ScoreLadder l = new ScoreLadder();
        l.decayedAt = b.getLong();
        l.opened = b.getLong();
        for (int i = 0; i < LEVELS; i++) {
            l.lastAt[i] = b.getLong();
            l.counts[i] = b.getDouble();
        }
        return l;
    }
}
