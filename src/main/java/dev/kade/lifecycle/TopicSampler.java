package dev.kade.lifecycle;

import dev.kade.topic.TopicRange;
import dev.kade.topic.TopicSource;
import dev.kade.topic.TopicSourceException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Keeps a uniform random sample of the record values of a topic range: training data straight from the topic the
 * scorer reads, without exporting it by hand and without holding the topic.
 *
 * <p>The range is read by {@link TopicSource}, the reader {@code kade backtest} uses too: fixed when reading starts
 * (from each partition's offset at {@code since}, or its start, or its last {@code lastPerPartition} records, up to
 * its end offset at that moment or its offset at {@code until}), so a topic that keeps growing is never chased;
 * {@code isolation.level=read_committed} (aborted transactions' records are not training data); no consumer group
 * (nothing is committed: training never moves anyone's offsets). Memory is bounded by the sample and the source's
 * per-partition buffer: at most {@code sampleSize} values are kept (reservoir sampling, Algorithm R with a seeded
 * generator, so a run is repeatable on the same range), whatever the range holds; {@code excluded} records (alerted
 * ones, by partition and offset) and null values (tombstones) are skipped and counted.
 */
public final class TopicSampler {
    /** What to read: the topic, the range, the sample size and the seed. */
    public record Range(String topic, Optional<Instant> since, Optional<Instant> until, Optional<Long> lastPerPartition,
                        int sampleSize, long seed) {
        public Range {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(since, "since");
            Objects.requireNonNull(until, "until");
            Objects.requireNonNull(lastPerPartition, "lastPerPartition");
            if (topic.isBlank()) {
                throw new IllegalArgumentException("no topic to read");
            }
            if (sampleSize < 1) {
                throw new IllegalArgumentException("the sample must hold at least 1 record, got " + sampleSize);
            }
            if (lastPerPartition.isPresent() && (lastPerPartition.get() < 1 || since.isPresent())) {
                throw new IllegalArgumentException("--last must be at least 1 and cannot be combined with --since");
            }
            if (since.isPresent() && until.isPresent() && !until.get().isAfter(since.get())) {
                throw new IllegalArgumentException("--until " + until.get() + " is not after --since " + since.get());
            }
        }

        /** The topic range this reads. */
        TopicRange topicRange() {
            return new TopicRange(topic, List.of(), OptionalLong.empty(), OptionalLong.empty(), since, until,
                    lastPerPartition.map(OptionalLong::of).orElse(OptionalLong.empty()));
        }
    }

    /**
     * What was read.
     *
     * @param values   the sample, in no particular order (at most the range's sample size)
     * @param read     records read in the range
     * @param excluded records skipped because they were alerted (or labelled anomalous)
     * @param empty    records without a value (tombstones), skipped
     */
    public record Sample(List<byte[]> values, long read, long excluded, long empty) {
    }

    /** One record's place, to leave it out. */
    public record Position(int partition, long offset) {
    }

    private TopicSampler() {
    }

    /**
     * Reads {@code range} with a consumer built from {@code consumerProperties} (bootstrap servers and any security
     * settings; deserializers, isolation level, group and auto-commit are set by {@link TopicSource}).
     *
     * @throws IllegalArgumentException when the topic does not exist or the range cannot be read (the message says why)
     */
    public static Sample sample(Properties consumerProperties, Range range, Set<Position> excluded) {
        List<byte[]> reservoir = new ArrayList<>(Math.min(range.sampleSize(), 1 << 16));
        SplittableRandom rng = new SplittableRandom(range.seed());
        long seen = 0;
        long read = 0;
        long skipped = 0;
        long empty = 0;
        try (TopicSource source = new TopicSource(properties(consumerProperties), range.topicRange())) {
            for (ConsumerRecord<byte[], byte[]> r = source.next(); r != null; r = source.next()) {
                read++;
                if (excluded.contains(new Position(r.partition(), r.offset()))) {
                    skipped++;
                    continue;
                }
                if (r.value() == null) {
                    empty++;
                    continue;
                }
                seen++;
                if (reservoir.size() < range.sampleSize()) {
                    reservoir.add(r.value());
                } else {
                    long j = rng.nextLong(seen);
                    if (j < range.sampleSize()) {
                        reservoir.set((int) j, r.value());
                    }
                }
            }
        } catch (TopicSourceException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return new Sample(reservoir, read, skipped, empty);
    }

    /**
     * The input records kade alerted on: every alert on {@code alertsTopic} (read to its end offsets at the start,
     * read_committed) whose {@code source.topic} is {@code sourceTopic}, as partition and offset. Memory grows with the
     * alerts, which are few by design; an alert that cannot be read (not kade's JSON) is skipped.
     */
    public static Set<Position> alerted(Properties consumerProperties, String alertsTopic, String sourceTopic) {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Set<Position> out = new HashSet<>();
        try (TopicSource source = new TopicSource(properties(consumerProperties), TopicRange.all(alertsTopic))) {
            for (ConsumerRecord<byte[], byte[]> r = source.next(); r != null; r = source.next()) {
                if (r.value() == null) {
                    continue;
                }
                try {
                    com.fasterxml.jackson.databind.JsonNode s = json.readTree(r.value()).path("source");
                    if (sourceTopic.equals(s.path("topic").asText()) && s.has("partition") && s.has("offset")) {
                        out.add(new Position(s.path("partition").asInt(), s.path("offset").asLong()));
                    }
                } catch (java.io.IOException e) {
                    // not an alert kade wrote: nothing to leave out
                }
            }
        } catch (TopicSourceException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return out;
    }

    private static Map<String, Object> properties(Properties p) {
        Map<String, Object> m = new HashMap<>();
        p.forEach((k, v) -> m.put(String.valueOf(k), v));
        return m;
    }
}
