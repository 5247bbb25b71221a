package dev.kade.topic;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A range of a Kafka topic's records, as {@code kade backtest} replays it and {@code kade train --from-topic} samples
 * it: some or all partitions, bounded by offsets or by record timestamps (never both), or the last N records of each
 * partition, and in any case by the partition's end as it was when reading started, so that reading a topic
 * producers still write to ends. Offsets and times are per partition; each lower bound is
 * inclusive, each upper bound exclusive (Kafka's own convention: an end offset is the next offset to be written).
 *
 * @param topic      the topic
 * @param partitions the partitions to read; empty: all of them
 * @param fromOffset the first offset to read in each partition (default: the partition's beginning)
 * @param toOffset   the offset to stop before in each partition (default: its end at start)
 * @param fromTime   the first record timestamp to read: each partition starts at its first record at or after it
 * @param toTime     the record timestamp to stop before: each partition stops at its first record at or after it
 * @param lastPerPartition  at most this many offsets before each partition's end (transaction markers count): the
 *                   start moves up to it; not with a lower bound
 */
public record TopicRange(String topic, List<Integer> partitions, OptionalLong fromOffset, OptionalLong toOffset,
                         Optional<Instant> fromTime, Optional<Instant> toTime, OptionalLong lastPerPartition) {
    /** A range without a last-N bound. */
    public TopicRange(String topic, List<Integer> partitions, OptionalLong fromOffset, OptionalLong toOffset,
                      Optional<Instant> fromTime, Optional<Instant> toTime) {
        this(topic, partitions, fromOffset, toOffset, fromTime, toTime, OptionalLong.empty());
    }

    public TopicRange {
        Objects.requireNonNull(lastPerPartition, "lastPerPartition");
        if (lastPerPartition.isPresent() && (lastPerPartition.getAsLong() < 1 || fromOffset.isPresent()
                || fromTime.isPresent())) {
            throw new IllegalArgumentException("the last N records per partition: N must be at least 1, and it cannot "
                    + "be combined with a lower bound");
        }
        Objects.requireNonNull(topic, "topic");
        partitions = List.copyOf(Objects.requireNonNull(partitions, "partitions"));
        Objects.requireNonNull(fromOffset, "fromOffset");
        Objects.requireNonNull(toOffset, "toOffset");
        Objects.requireNonNull(fromTime, "fromTime");
        Objects.requireNonNull(toTime, "toTime");
        if (topic.isBlank()) {
            throw new IllegalArgumentException("the topic name is empty");
        }
        if ((fromOffset.isPresent() || toOffset.isPresent()) && (fromTime.isPresent() || toTime.isPresent())) {
            throw new IllegalArgumentException("bound the range by offsets or by times, not both");
        }
        if (fromOffset.isPresent() && fromOffset.getAsLong() < 0 || toOffset.isPresent() && toOffset.getAsLong() < 0) {
            throw new IllegalArgumentException("an offset is never negative");
        }
        if (fromOffset.isPresent() && toOffset.isPresent() && toOffset.getAsLong() < fromOffset.getAsLong()) {
            throw new IllegalArgumentException("the range ends (" + toOffset.getAsLong() + ") before it starts ("
                    + fromOffset.getAsLong() + ")");
        }
        if (fromTime.isPresent() && toTime.isPresent() && toTime.get().isBefore(fromTime.get())) {
            throw new IllegalArgumentException("the range ends (" + toTime.get() + ") before it starts (" + fromTime.get() + ")");
        }
        for (int p : partitions) {
            if (p < 0) {
                throw new IllegalArgumentException("a partition is never negative: " + p);
            }
        }
    }

    /** Every record of every partition up to the end at start. */
    public static TopicRange all(String topic) {
        return new TopicRange(topic, List.of(), OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), Optional.empty());
    }
}
