package dev.kade.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.output.DeadLetterHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts kade's outputs by the input offset they answer, as a downstream {@code read_committed} consumer
 * sees them: each scores record names its source partition and offset in its JSON, each dead letter in
 * its headers. Runs on its own thread from the start of the topics for the life of the suite, through
 * kade's kills and the broker's restarts, and notes when each output arrived.
 */
final class OutputLedger implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Long, Integer> seen = new ConcurrentHashMap<>();
    private final AtomicLong outputs = new AtomicLong();
    private final AtomicLong lastArrival = new AtomicLong();
    private final AtomicLong lastArrivalWallMs = new AtomicLong();
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final String bootstrap;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    OutputLedger(String bootstrap, String scoresTopic, String deadLetterTopic, int partitions) {
        this.bootstrap = bootstrap;
        thread = new Thread(() -> run(bootstrap, List.of(scoresTopic, deadLetterTopic), partitions), "fault-ledger");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(String bootstrap, List<String> topics, int partitions) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (String t : topics) {
                for (int p = 0; p < partitions; p++) {
                    tps.add(new TopicPartition(t, p));
                }
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    seen.merge(key(sourcePartition(r), sourceOffset(r)), 1, Integer::sum);
                    outputs.incrementAndGet();
                    lastArrival.set(System.nanoTime());
                    lastArrivalWallMs.set(System.currentTimeMillis());
                }
                for (TopicPartition tp : tps) {
                    positions.put(tp, consumer.position(tp));
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    private static int sourcePartition(ConsumerRecord<byte[], byte[]> r) throws IOException {
        Header h = r.headers().lastHeader(DeadLetterHeaders.SOURCE_PARTITION);
        if (h != null) {
            return Integer.parseInt(new String(h.value(), StandardCharsets.UTF_8));
        }
        return JSON.readTree(r.value()).path("source").path("partition").asInt(-1);
    }

    private static long sourceOffset(ConsumerRecord<byte[], byte[]> r) throws IOException {
        Header h = r.headers().lastHeader(DeadLetterHeaders.SOURCE_OFFSET);
        if (h != null) {
            return Long.parseLong(new String(h.value(), StandardCharsets.UTF_8));
        }
        JsonNode source = JSON.readTree(r.value()).path("source");
        if (!source.has("offset")) {
            throw new IllegalStateException("output without a source offset: " + new String(r.value(), StandardCharsets.UTF_8));
        }
        return source.path("offset").asLong();
    }

    private static long key(int partition, long offset) {
        return ((long) partition << 40) | offset;
    }

    /** Outputs received so far. */
    long outputs() {
        check();
        return outputs.get();
    }

    /** Input offsets with at least one output so far. */
    long inputsAnswered() {
        check();
        return seen.size();
    }

    /** Waits until no output arrived for {@code quiet}; returns the count then. */
    long drain(Duration quiet, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline && System.nanoTime() - lastArrival.get() < quiet.toNanos()) {
            Thread.sleep(20);
        }
        return outputs();
    }

    /** When an output arrived: monotonic ({@link System#nanoTime()}) and wall-clock (epoch ms). */
    record Arrival(long nanos, long wallMs) {
    }

    /** Waits for the first output after {@code count}; when it arrived, or null on timeout. */
    Arrival awaitOutputBeyond(long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (outputs() > count) {
                return new Arrival(lastArrival.get(), lastArrivalWallMs.get());
            }
            Thread.sleep(5);
        }
        return null;
    }

    /**
     * Waits until the ledger has read every output partition to its end as a {@code read_committed} consumer sees
     * it now (the last stable offset); call it once kade has exited, so that nothing it wrote, a late duplicate
     * included, is missed by the tally. False on timeout.
     */
    boolean awaitEndOfOutputs(Duration timeout) throws InterruptedException {
        Map<TopicPartition, Long> ends;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            ends = c.endOffsets(List.copyOf(positionsOrFail().keySet()), Duration.ofSeconds(30));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ends.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private Map<TopicPartition, Long> positionsOrFail() {
        check();
        if (positions.isEmpty()) {
            throw new IllegalStateException("the ledger has not polled yet");
        }
        return positions;
    }

    /** Counts per input offset: how many were missing, seen once, and duplicated (extra copies). */
    record Tally(long expected, long missing, long exactlyOnce, long duplicates, long outputs) {
    }

    /** Tallies every offset below {@code endOffsets[p]} of each input partition. */
    Tally tally(long[] endOffsets) {
        long missing = 0;
        long once = 0;
        long dup = 0;
        long expected = 0;
        for (int p = 0; p < endOffsets.length; p++) {
            for (long o = 0; o < endOffsets[p]; o++) {
                expected++;
                int n = seen.getOrDefault(key(p, o), 0);
                if (n == 0) {
                    missing++;
                } else {
                    once += n == 1 ? 1 : 0;
                    dup += n - 1;
                }
            }
        }
        return new Tally(expected, missing, once, dup, outputs.get());
    }

    /** Whether every offset below the ends has at least one output. */
    boolean complete(long[] endOffsets) {
        for (int p = 0; p < endOffsets.length; p++) {
            for (long o = 0; o < endOffsets[p]; o++) {
                if (!seen.containsKey(key(p, o))) {
                    return false;
                }
            }
        }
        return true;
    }

    private void check() {
        if (failure != null) {
            throw new IllegalStateException("the ledger's consumer failed", failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
