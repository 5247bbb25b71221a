package dev.kade.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a range of a Kafka topic in a bounded way and keeps a uniform random sample of its record values: training
 * data straight from the topic the scorer reads, without exporting it by hand and without holding the topic.
 *
 * <p>The range is fixed when reading starts: from each partition's offset at {@code since} (or its start, or its
 * last {@code lastPerPartition} records) up to its end offset at that moment (or its offset at {@code until}), so a
 * topic that keeps growing is never chased. Records are read with {@code isolation.level=read_committed} (aborted
 * transactions' records are not training data), by a consumer without a group (it assigns partitions itself and
 * commits nothing: training never moves anyone's offsets). Memory is bounded by the sample: at most
 * {@code sampleSize} values are kept (reservoir sampling, Algorithm R with a seeded generator, so a run is
 * repeatable on the same range), whatever the range holds; {@code excluded} records (alerted ones, by
 * partition and offset) and null values (tombstones) are skipped and counted.
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
     * settings; deserializers, isolation level, group and auto-commit are set here).
     *
     * @throws IllegalArgumentException when the topic does not exist
     */
    public static Sample sample(Properties consumerProperties, Range range, Set<Position> excluded, Duration pollTimeout) {
        Properties p = new Properties();
        p.putAll(consumerProperties);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // reading for training never creates a topic
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitions(consumer, range.topic(), pollTimeout);
            Map<TopicPartition, Long> start = new HashMap<>(consumer.beginningOffsets(partitions, pollTimeout));
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, pollTimeout));
            range.since().ifPresent(t -> at(consumer, partitions, t, end, pollTimeout).forEach(start::put));
            range.until().ifPresent(t -> at(consumer, partitions, t, end, pollTimeout).forEach(end::put));
            range.lastPerPartition().ifPresent(n -> partitions.forEach(tp -> start.put(tp, Math.max(start.get(tp), end.get(tp) - n))));
            List<TopicPartition> open = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                if (start.get(tp) < end.get(tp)) {
                    open.add(tp);
                }
            }
            consumer.assign(open);
            open.forEach(tp -> consumer.seek(tp, start.get(tp)));
            return read(consumer, new HashSet<>(open), end, range, excluded, pollTimeout);
        }
    }

    private static Sample read(KafkaConsumer<byte[], byte[]> consumer, Set<TopicPartition> open, Map<TopicPartition, Long> end,
                               Range range, Set<Position> excluded, Duration pollTimeout) {
        List<byte[]> reservoir = new ArrayList<>(Math.min(range.sampleSize(), 1 << 16));
        SplittableRandom rng = new SplittableRandom(range.seed());
        long seen = 0;
        long read = 0;
        long skipped = 0;
        long empty = 0;
        int idle = 0;
        while (!open.isEmpty()) {
            var records = consumer.poll(pollTimeout);
            if (records.isEmpty()) {
                // read_committed: the position may sit on a transaction marker below the end offset; check positions
                idle++;
            } else {
                idle = 0;
            }
            for (ConsumerRecord<byte[], byte[]> r : records) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (r.offset() >= end.get(tp)) {
                    continue;
                }
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
            List<TopicPartition> done = new ArrayList<>();
            for (TopicPartition tp : open) {
                if (consumer.position(tp, pollTimeout) >= end.get(tp)) {
                    done.add(tp);
                }
            }
            done.forEach(open::remove);
            if (!done.isEmpty()) {
                consumer.pause(done);
            }
            if (idle > 20 && !open.isEmpty()) {
                throw new IllegalStateException("no progress reading " + open + " for " + idle + " polls below their end offsets");
            }
        }
        return new Sample(reservoir, read, skipped, empty);
    }

    /**
     * The input records kade alerted on: every alert on {@code alertsTopic} (read to its end offsets at the start,
     * read_committed) whose {@code source.topic} is {@code sourceTopic}, as partition and offset. Memory grows with the
     * alerts, which are few by design; an alert that cannot be read (not kade's JSON) is skipped.
     */
    public static Set<Position> alerted(Properties consumerProperties, String alertsTopic, String sourceTopic, Duration pollTimeout) {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Set<Position> out = new HashSet<>();
        Sample all = sample(consumerProperties, new Range(alertsTopic, Optional.empty(), Optional.empty(), Optional.empty(),
                Integer.MAX_VALUE, 0), Set.of(), pollTimeout);
        for (byte[] v : all.values()) {
            try {
                com.fasterxml.jackson.databind.JsonNode source = json.readTree(v).path("source");
                if (sourceTopic.equals(source.path("topic").asText()) && source.has("partition") && source.has("offset")) {
                    out.add(new Position(source.path("partition").asInt(), source.path("offset").asLong()));
                }
            } catch (java.io.IOException e) {
                // not an alert kade wrote: nothing to leave out
            }
        }
        return out;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic, Duration timeout) {
        if (!consumer.listTopics(timeout).containsKey(topic)) {
            throw new IllegalArgumentException("topic '" + topic + "' does not exist");
        }
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException("topic '" + topic + "' does not exist");
        }
        return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    }

    /** Each partition's first offset at or after {@code time}; its end offset when it has none that late. */
    private static Map<TopicPartition, Long> at(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                                                Instant time, Map<TopicPartition, Long> end, Duration timeout) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, time.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp o = found.get(tp);
            out.put(tp, o == null ? end.get(tp) : o.offset());
        }
        return out;
    }
}
