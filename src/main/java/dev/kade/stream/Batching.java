package dev.kade.stream;

import java.time.Duration;
import java.util.Objects;

/**
 * How the scorer groups records into one model call: at most {@code maxRecords} rows, and no record waits
 * much longer than {@code maxWait} for its batch to fill. Whatever the settings, a batch is always scored
 * and its outputs sent before the task's input offsets are committed
 * ({@code docs/design/commit-safe-batching.md}).
 *
 * @param maxRecords rows per model call, 1 (no batching) to {@value #MAX_RECORDS}
 * @param maxWait    how long the oldest buffered record may wait for more; 0 scores what one poll delivered
 */
public record Batching(int maxRecords, Duration maxWait) {
    /** Upper bound on rows per call: a batch is scored inside rebalance callbacks, so it must stay short. */
    public static final int MAX_RECORDS = 10_000;
    /**
     * The defaults of {@code batch.max.records} and {@code batch.max.wait.ms} (defined in {@code KadeConfig};
     * {@code StreamsSetupTest} holds the two equal, so that {@code stream} need not depend on {@code config}).
     */
    public static final Batching DEFAULT = new Batching(256, Duration.ofMillis(5));
    /** Scoring one record at a time, as before batching. */
    public static final Batching NONE = new Batching(1, DEFAULT.maxWait());

    public Batching {
        Objects.requireNonNull(maxWait, "maxWait");
        if (maxRecords < 1 || maxRecords > MAX_RECORDS) {
            throw new IllegalArgumentException("maxRecords must be 1.." + MAX_RECORDS + ", was " + maxRecords);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, was " + maxWait);
        }
    }
}
