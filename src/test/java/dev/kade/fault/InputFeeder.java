package dev.kade.fault;

import dev.kade.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes input at a steady rate across the partitions for as long as the suite runs, so that kills land
 * while records are in flight: mostly normal records, every 50th an anomaly, every 97th malformed (a dead
 * letter). The producer is deliberately not idempotent (the comment in {@code run} says why): a failed send fails
 * {@link #stop}, and a retried send may write an input record twice, each copy with its own offset, which is harmless
 * because the suite checks outputs per input offset.
 */
final class InputFeeder implements AutoCloseable {
    private final String bootstrap;
    private final String topic;
    private final int partitions;
    private final Thread thread;
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean running = true;
    private volatile Throwable failure;

    InputFeeder(String bootstrap, String topic, int partitions, int perSecond) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.partitions = partitions;
        thread = new Thread(() -> run(perSecond), "fault-feeder");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(int perSecond) {
        Random random = new Random(42);
        // Not idempotent: after the suite kill -9s the single broker, an idempotent producer was seen stuck on
        // OutOfOrderSequenceException (the restarted broker's sequence state behind the producer's) and fed no
        // more input. A retried send may now write a record twice; that is harmless here, because the suite
        // counts outputs per input offset and every copy has an offset of its own.
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            long t0 = System.nanoTime();
            long i = 0;
            while (running) {
                String value = i % 97 == 13 ? "{\"cpu\":\"not a number\"}"
                        : i % 50 == 7 ? TestModels.anomaly(random) : TestModels.normal(random);
                producer.send(new ProducerRecord<>(topic, (int) (i % partitions), ("k" + i).getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8)), (md, e) -> {
                            if (e != null) {
                                failure = e;
                            }
                        });
                i++;
                sent.set(i);
                long due = t0 + i * 1_000_000_000L / perSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            producer.flush();
        } catch (Throwable t) {
            failure = t;
        }
    }

    long sent() {
        return sent.get();
    }

    /** Stops writing and returns the end offset of each partition (every record written is below it). */
    long[] stop() throws InterruptedException {
        running = false;
        thread.join(120_000);
        if (failure != null) {
            throw new IllegalStateException("the input producer failed", failure);
        }
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            Map<TopicPartition, Long> ends = c.endOffsets(tps, Duration.ofSeconds(30));
            long[] out = new long[partitions];
            for (int p = 0; p < partitions; p++) {
                out[p] = ends.get(new TopicPartition(topic, p));
            }
            return out;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}
