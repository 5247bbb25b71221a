package dev.kade.backtest;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The records of a Kafka topic a backtest replays: some or all partitions, bounded by offsets or by record
 * timestamps (never both), and in any case by the partition's end as it was when the backtest started, so that a
 * backtest of a topic producers still write to ends. Offsets and times are per partition; each lower bound is
 * inclusive, each upper bound exclusive (Kafka's own convention: an end offset is the next offset to be written).
 *
 * @param topic      the topic
 * @param partitions the partitions to read; empty: all of them
 * @param fromOffset the first offset to read in each partition (default: the partition's beginning)
 * @param toOffset   the offset to stop before in each partition (default: its end at start)
 * @param fromTime   the first record timestamp to read: each partition starts at its first record at or after it
 * @param toTime     the record timestamp to stop before: each partition stops at its first record at or after it
 */
public record TopicRange(String topic, List<Integer> partitions, OptionalLong fromOffset, OptionalLong toOffset,
                         Optional<Instant> fromTime, Optional<Instant> toTime) {
    public TopicRange {
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
