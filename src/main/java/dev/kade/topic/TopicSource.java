package dev.kade.topic;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The committed records of a {@link TopicRange}, in the order a stream task would take them (the one reader of a
 * topic range: {@code kade backtest} replays what it gives, {@code kade train --from-topic} samples it): read with
 * {@code isolation.level=read_committed} (what kade under {@code exactly_once_v2} reads: no aborted record, none of
 * an open transaction), bounded by the range and by each partition's end offset when the source opened (the last
 * stable offset), and merged across partitions by record timestamp as Kafka Streams picks the next record of a task
 * (the head with the smallest timestamp). No consumer group: partitions are assigned, nothing is committed, so a
 * backtest leaves no trace on the cluster.
 *
 * <p>Memory is bounded: a partition whose buffer holds {@value #BUFFER} records is paused until the merge takes
 * from it. Not thread-safe; close it.
 */
public final class TopicSource implements AutoCloseable {
    static final int BUFFER = 2000;
    /** How long reading may make no progress before the backtest gives up, naming the partitions it waits for. */
    static final Duration STALL = Duration.ofSeconds(60);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, Long> ends = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> starts = new LinkedHashMap<>();
    private final Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> buffers = new HashMap<>();
    private final TreeSet<TopicPartition> reading = new TreeSet<>((a, b) -> Integer.compare(a.partition(), b.partition()));

    /**
     * Opens {@code range} on the cluster that {@code clientProperties} reach (bootstrap servers and any security
     * settings), and resolves where each partition starts and ends.
     *
     * @throws TopicSourceException naming the topic or partition when the range cannot be read
     */
    public TopicSource(Map<String, Object> clientProperties, TopicRange range) {
        Objects.requireNonNull(range, "range");
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        // reading a misspelt topic must not create it
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            resolve(range);
        } catch (KafkaException e) {
            consumer.close();
            throw new TopicSourceException("cannot read topic '" + range.topic() + "': " + e.getMessage(), e);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    private void resolve(TopicRange range) {
        List<PartitionInfo> infos = consumer.partitionsFor(range.topic());
        if (infos == null || infos.isEmpty()) {
            throw new TopicSourceException("no topic '" + range.topic() + "' on the cluster");
        }
        List<TopicPartition> all = infos.stream().map(i -> new TopicPartition(range.topic(), i.partition()))
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition())).toList();
        List<TopicPartition> chosen = new ArrayList<>();
        if (range.partitions().isEmpty()) {
            chosen.addAll(all);
        } else {
            for (int n : new TreeSet<>(range.partitions())) {
                if (n >= all.size()) {
                    throw new TopicSourceException("topic '" + range.topic() + "' has no partition " + n + " (it has " + all.size() + ")");
                }
                chosen.add(new TopicPartition(range.topic(), n));
            }
        }
        Map<TopicPartition, Long> first = consumer.beginningOffsets(chosen);
        // under read_committed: the last stable offset, below which every record is committed or aborted
        Map<TopicPartition, Long> last = consumer.endOffsets(chosen);
        Map<TopicPartition, OffsetAndTimestamp> fromTimes = range.fromTime().isEmpty() ? Map.of()
                : consumer.offsetsForTimes(times(chosen, range.fromTime().get().toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> toTimes = range.toTime().isEmpty() ? Map.of()
                : consumer.offsetsForTimes(times(chosen, range.toTime().get().toEpochMilli()));
        for (TopicPartition tp : chosen) {
            long end = last.get(tp);
            long start = first.get(tp);
            if (range.fromOffset().isPresent()) {
                start = Math.max(start, range.fromOffset().getAsLong());
            }
            if (range.fromTime().isPresent()) {
                OffsetAndTimestamp o = fromTimes.get(tp);
                start = o == null ? end : Math.max(start, o.offset());
            }
            if (range.toOffset().isPresent()) {
                end = Math.min(end, range.toOffset().getAsLong());
            }
            if (range.toTime().isPresent()) {
                OffsetAndTimestamp o = toTimes.get(tp);
                end = o == null ? end : Math.min(end, o.offset());
            }
            if (range.lastPerPartition().isPresent()) {
                start = Math.max(start, end - range.lastPerPartition().getAsLong());
            }
            starts.put(tp, start);
            ends.put(tp, end);
            buffers.put(tp, new ArrayDeque<>());
            if (start < end) {
                reading.add(tp);
            }
        }
        consumer.assign(List.copyOf(reading));
        for (TopicPartition tp : reading) {
            consumer.seek(tp, starts.get(tp));
        }
    }

    private static Map<TopicPartition, Long> times(List<TopicPartition> partitions, long t) {
        Map<TopicPartition, Long> m = new HashMap<>();
        partitions.forEach(tp -> m.put(tp, t));
        return m;
    }

    /** Where each partition's reading starts (inclusive) and ends (exclusive), by partition. */
    public Map<TopicPartition, long[]> bounds() {
        Map<TopicPartition, long[]> m = new LinkedHashMap<>();
        starts.forEach((tp, s) -> m.put(tp, new long[] {s, ends.get(tp)}));
        return m;
    }

    /**
     * The next record: of the partitions not yet at their end, the buffered head with the smallest timestamp (the
     * lower partition on a tie); null once every partition reached its end.
     *
     * @throws TopicSourceException when no partition makes progress for {@link #STALL}
     */
    public ConsumerRecord<byte[], byte[]> next() {
        long stalledSince = System.nanoTime();
        while (true) {
            boolean waiting = false;
            for (TopicPartition tp : reading) {
                if (buffers.get(tp).isEmpty()) {
                    waiting = true;
                    break;
                }
            }
            if (!waiting) {
                return take();
            }
            int got = poll();
            if (got > 0) {
                stalledSince = System.nanoTime();
            } else if (System.nanoTime() - stalledSince > STALL.toNanos()) {
                List<String> behind = reading.stream().filter(tp -> buffers.get(tp).isEmpty())
                        .map(tp -> tp + " at offset " + consumer.position(tp) + " of end " + ends.get(tp)).toList();
                throw new TopicSourceException("no records for " + STALL.toSeconds() + " s from " + behind);
            }
        }
    }

    private ConsumerRecord<byte[], byte[]> take() {
        TopicPartition best = null;
        long bestTime = Long.MAX_VALUE;
        for (TopicPartition tp : buffers.keySet().stream().sorted((a, b) -> Integer.compare(a.partition(), b.partition())).toList()) {
            ConsumerRecord<byte[], byte[]> head = buffers.get(tp).peek();
            if (head != null && (best == null || head.timestamp() < bestTime)) {
                best = tp;
                bestTime = head.timestamp();
            }
        }
        if (best == null) {
            return null;
        }
        ArrayDeque<ConsumerRecord<byte[], byte[]>> b = buffers.get(best);
        ConsumerRecord<byte[], byte[]> r = b.poll();
        if (b.size() < BUFFER / 2 && reading.contains(best) && consumer.paused().contains(best)) {
            consumer.resume(List.of(best));
        }
        return r;
    }

    /** One poll: buffers what lies below each partition's end, retires the partitions at their end. */
    private int poll() {
        int got = 0;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (reading.contains(tp) && r.offset() < ends.get(tp)) {
                buffers.get(tp).add(r);
                got++;
            }
        }
        List<TopicPartition> pause = new ArrayList<>();
        for (TopicPartition tp : List.copyOf(reading)) {
            // the position passes transaction markers and aborted records, which no poll returns
            if (consumer.position(tp) >= ends.get(tp)) {
                reading.remove(tp);
                pause.add(tp);
            } else if (buffers.get(tp).size() >= BUFFER) {
                pause.add(tp);
            }
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        return got;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
