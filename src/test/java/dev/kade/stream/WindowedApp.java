package dev.kade.stream;

import dev.kade.app.StreamsSetup;
import dev.kade.config.KadeConfig;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ServableModel;
import dev.kade.testing.SharedKafka;
import dev.kade.testing.WindowedTestScorer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * One windowed kade scorer on the shared broker for the integration tests of per-entity scoring: the scoring
 * topology {@code kade run} builds ({@link StreamsSetup}, {@link ScoringTopology}) in a {@link KafkaStreams} of its
 * own, under {@code exactly_once_v2}, with its metrics in a {@link SimpleMeterRegistry} the test reads, and a count
 * of the entity-store records it restored from the changelog. Closing it leaves the consumer group, so its tasks
 * move to the group's other members at once rather than after the session timeout.
 */
final class WindowedApp implements AutoCloseable {
    final KadeConfig config;
    final KadeMetrics metrics;
    final SimpleMeterRegistry meters;
    final KafkaStreams streams;
    final AtomicLong restored = new AtomicLong();

    private WindowedApp(KadeConfig config, ModelRegistry models, Map<String, Object> streamsOverrides) {
        this.config = config;
        this.meters = new SimpleMeterRegistry();
        this.metrics = new KadeMetrics("kade");
        metrics.bindTo(meters);
        Properties p = StreamsSetup.properties(config, metrics);
        p.putAll(streamsOverrides);
        this.streams = new KafkaStreams(ScoringTopology.build(StreamsSetup.topology(config), models, metrics), p);
        streams.setGlobalStateRestoreListener(new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition partition, String store, long start, long end) {
            }

            @Override
            public void onBatchRestored(TopicPartition partition, String store, long batchEnd, long n) {
                restored.addAndGet(n);
            }

            @Override
            public void onRestoreEnd(TopicPartition partition, String store, long total) {
            }
        });
    }

    /** Starts an app with {@code config} serving {@code models} (which the test closes). */
    static WindowedApp start(KadeConfig config, ModelRegistry models, Map<String, Object> streamsOverrides) {
        WindowedApp app = new WindowedApp(config, models, streamsOverrides);
        app.streams.start();
        return app;
    }

    /** The registry of a plain-Java windowed model of window {@code w} over feature {@code v} (no ONNX Runtime). */
    static ModelRegistry testModel(int w) {
        return ModelRegistry.of(ServableModel.unowned(new WindowedTestScorer(List.of("v"), w, "w-it")));
    }

    /**
     * kade's settings for input topic {@code in} (outputs {@code in-scores}, {@code in-alerts}, {@code in-dlq}) under
     * {@code exactly_once_v2}, state under {@code state}, plus {@code more}.
     */
    static KadeConfig config(String bootstrap, String in, String applicationId, Path state, Map<String, String> more) {
        Map<String, String> m = new HashMap<>(Map.of("bootstrap.servers", bootstrap, "input.topics", in,
                "application.id", applicationId, "scores.topic", in + "-scores", "alert.topic", in + "-alerts",
                "dead.letter.topic", in + "-dlq", "model.path", state.resolve("unused.onnx").toString(),
                "kafka.state.dir", state.toString(), "processing.guarantee", "exactly_once_v2"));
        m.putAll(more);
        return KadeConfig.fromMap(m);
    }

    /** Creates {@code in} and its three output topics with {@code partitions} partitions each. */
    static void createTopics(String bootstrap, int partitions, String... inputs) throws Exception {
        List<NewTopic> topics = new ArrayList<>();
        for (String in : inputs) {
            for (String t : List.of(in, in + "-scores", in + "-alerts", in + "-dlq")) {
                topics.add(new NewTopic(t, partitions, (short) 1));
            }
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** A record to produce: key (null for none), event time as the record timestamp, JSON value. */
    record In(String key, long time, String value) {
        static In of(String key, long time, double v) {
            return new In(key, time, "{\"v\":" + v + "}");
        }
    }

    /** Produces {@code records} to {@code topic} in order (partitioned by key; keyless ones to partition 0). */
    static void produce(String bootstrap, String topic, List<In> records) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (In r : records) {
                byte[] key = r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, r.key() == null ? 0 : null, r.time(), key,
                        r.value().getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /**
     * Event times near now: a broker deletes records older than its retention (7 days) by their timestamps, so
     * records stamped long ago could vanish before kade reads them. A whole minute, an hour back.
     */
    static long recentT0() {
        return (System.currentTimeMillis() / 60_000L) * 60_000L - 3_600_000L;
    }

    /** Waits until {@code condition} holds, failing with {@code what} after {@code timeout}. */
    static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** Whether this instance holds at least one active task and runs. */
    boolean hasActiveTasks() {
        return streams.state() == KafkaStreams.State.RUNNING
                && streams.metadataForLocalThreads().stream().anyMatch(t -> !t.activeTasks().isEmpty());
    }

    @Override
    public void close() {
        streams.close(CloseOptions.timeout(Duration.ofSeconds(30)).withGroupMembershipOperation(
                CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }

    /**
     * Reads the committed records of some topics from their beginning (read_committed, assigned partitions, no
     * group), keeping every record read so far.
     */
    static final class Reader implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<String, List<ConsumerRecord<byte[], byte[]>>> read = new HashMap<>();

        Reader(String bootstrap, String... topics) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : topics) {
                read.put(t, new ArrayList<>());
                consumer.partitionsFor(t, Duration.ofSeconds(30)).forEach(i -> parts.add(new TopicPartition(t, i.partition())));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        }

        /** Polls until {@code condition} holds (over what was read), or fails after {@code timeout}. */
        Reader until(Duration timeout, String what, BooleanSupplier condition) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; read "
                            + read.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().size()).toList());
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    read.get(r.topic()).add(r);
                }
            }
            return this;
        }

        /** Polls until {@code topic} holds at least {@code n} records. */
        Reader atLeast(Duration timeout, String topic, int n) {
            return until(timeout, n + " records in " + topic, () -> read.get(topic).size() >= n);
        }

        /** Polls for {@code quiet} more, so that a record that should not come would have come. */
        Reader settle(Duration quiet) {
            long end = System.nanoTime() + quiet.toNanos();
            return until(quiet.plusSeconds(5), "quiet", () -> System.nanoTime() > end);
        }

        List<ConsumerRecord<byte[], byte[]>> records(String topic) {
            return read.get(topic);
        }

        /** The values of {@code topic}'s records as text (null for a tombstone), in the order read. */
        List<String> values(String topic) {
            return read.get(topic).stream().map(r -> r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8)).toList();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
