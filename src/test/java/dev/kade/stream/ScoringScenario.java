package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kade.app.ScoringApp;
import dev.kade.config.KadeConfig;
import dev.kade.config.ProcessingGuarantee;
import dev.kade.output.DeadLetterHeaders;
import dev.kade.testing.TestModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The end-to-end scenario every broker test runs, whatever the broker: thousands of records with known
 * injected anomalies and malformed records, through a real {@link ScoringApp}; then the alert, scores and
 * dead-letter topics are read back and must add up.
 */
final class ScoringScenario {
    static final int RECORDS = 4000;

    private ScoringScenario() {
    }

    /** What the records were: keys of injected anomalies and of malformed records. */
    record Injected(Set<String> anomalies, Set<String> malformed) {
    }

    static void createTopics(String bootstrap, int partitions, String... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> list = new ArrayList<>();
            for (String t : topics) {
                list.add(new NewTopic(t, partitions, (short) 1));
            }
            admin.createTopics(list).all().get(30, TimeUnit.SECONDS);
        }
    }

    static KadeConfig config(String bootstrap, String prefix, Path model, ProcessingGuarantee guarantee) {
        return KadeConfig.fromMap(settings(bootstrap, prefix, model, guarantee));
    }

    /** The scenario's settings and {@code extra} (which wins). */
    static KadeConfig config(String bootstrap, String prefix, Path model, ProcessingGuarantee guarantee, Map<String, String> extra) {
        Map<String, String> m = settings(bootstrap, prefix, model, guarantee);
        m.putAll(extra);
        return KadeConfig.fromMap(m);
    }

    /** The settings {@link #config} reads, for a test to add its own. */
    static Map<String, String> settings(String bootstrap, String prefix, Path model, ProcessingGuarantee guarantee) {
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", bootstrap);
        m.put("application.id", prefix + "-app");
        m.put("input.topics", prefix + "-in");
        m.put("alert.topic", prefix + "-alerts");
        m.put("scores.topic", prefix + "-scores");
        m.put("dead.letter.topic", prefix + "-dlq");
        m.put("model.path", model.toString());
        m.put("model.poll.interval.ms", "200");
        m.put("processing.guarantee", guarantee.streamsValue());
        m.put("metrics.port", "0");
        m.put("shutdown.timeout.ms", "10000");
        m.put("kafka.commit.interval.ms", "100");
        m.put("kafka.state.dir", model.getParent().resolve("state").toString());
        return m;
    }

    /** Produces {@link #RECORDS} records: every 50th an anomaly, every 61st malformed (various ways). */
    static Injected produce(String bootstrap, String topic, int records, long seed) {
        Random random = new Random(seed);
        Set<String> anomalies = new HashSet<>();
        Set<String> malformed = new HashSet<>();
        String[] bad = {"not json", "[1,2]", "{\"cpu\":1}", "{\"cpu\":\"x\",\"memory\":{\"used\":1},\"latency_ms\":1}", ""};
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            for (int i = 0; i < records; i++) {
                String key = "r" + i;
                String value;
                if (i % 61 == 13) {
                    value = bad[malformed.size() % bad.length];
                    malformed.add(key);
                } else if (i % 50 == 7) {
                    value = TestModels.anomaly(random);
                    anomalies.add(key);
                } else {
                    value = TestModels.normal(random);
                }
                producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        return new Injected(anomalies, malformed);
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Reads a topic (committed records only) until {@code expected} records arrived or the timeout passes. */
    static List<ConsumerRecord<byte[], byte[]>> consume(String bootstrap, String topic, int expected, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "verify-" + topic + "-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // a short grace read: more than expected would mean duplicates
            long grace = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() < grace) {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }

    static Set<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> keys = new HashSet<>();
        records.forEach(r -> keys.add(new String(r.key(), StandardCharsets.UTF_8)));
        return keys;
    }

    static String get(int port, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    /**
     * Reads every partition of {@code topic} (committed records only) from its start to its end offset as it is now;
     * called once nothing writes any more, it sees every record the test wrote, late ones included.
     */
    static List<ConsumerRecord<byte[], byte[]>> consumeToEnd(String bootstrap, String topic, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> tps = consumer.partitionsFor(topic, timeout).stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<org.apache.kafka.common.TopicPartition, Long> ends = consumer.endOffsets(tps, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
            assertThat(tps).as(topic + " read to its end").allMatch(tp -> consumer.position(tp) >= ends.get(tp));
        }
        return out;
    }

    /**
     * The whole scenario; asserts counts add up, every injected anomaly alerts and nothing else does, and, once the
     * app is closed, that each output topic read to its end holds exactly those records (no late duplicate).
     */
    static void run(String bootstrap, String prefix, Path dir, ProcessingGuarantee guarantee) throws Exception {
        createTopics(bootstrap, 2, prefix + "-in", prefix + "-alerts", prefix + "-scores", prefix + "-dlq");
        Path model = TestModels.writeModel(dir.resolve("model.onnx"), "it-v1");
        Injected injected;
        int wellFormed;
        try (ScoringApp app = ScoringApp.start(config(bootstrap, prefix, model, guarantee))) {
            assertThat(app.awaitReady(Duration.ofSeconds(60))).as("ready").isTrue();
            assertThat(get(app.metricsPort(), "/health/ready")).startsWith("200");

            injected = produce(bootstrap, prefix + "-in", RECORDS, 42);
            wellFormed = RECORDS - injected.malformed().size();

            var scores = consume(bootstrap, prefix + "-scores", wellFormed, Duration.ofSeconds(60));
            var dead = consume(bootstrap, prefix + "-dlq", injected.malformed().size(), Duration.ofSeconds(30));
            var alerts = consume(bootstrap, prefix + "-alerts", injected.anomalies().size(), Duration.ofSeconds(30));

            assertThat(scores.size() + dead.size()).as("in = scored + dead-lettered").isEqualTo(RECORDS);
            assertThat(keys(dead)).isEqualTo(injected.malformed());
            assertThat(keys(alerts)).isEqualTo(injected.anomalies());
            assertThat(alerts).hasSameSizeAs(injected.anomalies());
            dead.forEach(r -> assertThat(r.headers().lastHeader(DeadLetterHeaders.REASON)).isNotNull());

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(app.counts().in()).isEqualTo(RECORDS));
            var c = app.counts();
            assertThat(c.scored() + c.deadLettered()).isEqualTo(RECORDS);
            assertThat(c.anomalies()).isEqualTo(injected.anomalies().size());

            String metrics = get(app.metricsPort(), "/metrics");
            assertThat(metrics).startsWith("200")
                    .contains("kade_records_scored_total{application=\"" + prefix + "-app\"} " + wellFormed + ".0")
                    .contains("kade_model_info{application=\"" + prefix + "-app\",kind=\"reconstruction\",version=\"it-v1\"} 1")
                    .contains("kafka_stream_"); // Kafka Streams' own client metrics through the Micrometer binder
        }
        // the app is closed: nothing can be written after this, so the ends are final
        assertThat(consumeToEnd(bootstrap, prefix + "-scores", Duration.ofSeconds(30))).as("scores to the end").hasSize(wellFormed);
        assertThat(consumeToEnd(bootstrap, prefix + "-dlq", Duration.ofSeconds(30))).as("dead letters to the end")
                .hasSize(injected.malformed().size());
        assertThat(consumeToEnd(bootstrap, prefix + "-alerts", Duration.ofSeconds(30))).as("alerts to the end")
                .hasSize(injected.anomalies().size());
    }
}
