package dev.kade.demo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from the beginning on its own thread, counting records and remembering their keys, so the
 * demo can match alerts to labels. Reads only committed records, as a downstream consumer of an
 * exactly-once scorer should.
 */
public final class TopicCounter implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong count = new AtomicLong();
    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    /** The records' values, kept only when asked for (the time-series demo reads its alerts' entity and time). */
    private final Queue<byte[]> values;

    private TopicCounter(String bootstrap, String topic, boolean keepValues) {
        this.values = keepValues ? new ConcurrentLinkedQueue<>() : null;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "kade-demo-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        this.thread = new Thread(this::loop, "kade-demo-reader-" + topic);
        thread.setDaemon(true);
    }

    /** Starts reading {@code topic} from its beginning. */
    public static TopicCounter start(String bootstrap, String topic) {
        return start(bootstrap, topic, false);
    }

    /** Starts reading {@code topic} from its beginning, keeping every record's value when {@code keepValues}. */
    public static TopicCounter start(String bootstrap, String topic, boolean keepValues) {
        TopicCounter c = new TopicCounter(bootstrap, topic, keepValues);
        c.thread.start();
        return c;
    }

    private void loop() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    count.incrementAndGet();
                    if (r.key() != null) {
                        keys.add(r.key());
                    }
                    if (values != null && r.value() != null) {
                        values.add(r.value());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    public long count() {
        return count.get();
    }

    /** Distinct keys seen so far (a copy). */
    public Set<String> keys() {
        return Set.copyOf(keys);
    }

    /** The values read so far, in topic order per partition (a copy); empty unless started to keep them. */
    public List<byte[]> values() {
        return values == null ? List.of() : List.copyOf(values);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        thread.join(10_000);
    }
}
