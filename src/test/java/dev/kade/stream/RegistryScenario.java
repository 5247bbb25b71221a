package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.ScoringApp;
import dev.kade.config.KadeConfig;
import dev.kade.config.ProcessingGuarantee;
import dev.kade.metrics.KadeMetrics;
import dev.kade.output.DeadLetterHeaders;
import dev.kade.testing.RegistryStandIn;
import dev.kade.testing.SharedKafka;
import dev.kade.testing.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;

/**
 * What the schema-registry input tests share whatever the wire format ({@link AvroTopologyTest} and
 * {@link ProtobufTopologyTest} in {@link ScoringDriver}, {@link AvroScoringIT} and {@link ProtobufScoringIT} on a real
 * broker): kade's settings for a {@link RegistryStandIn}, the scenarios both formats must pass alike, and the checks
 * that their counts add up. Each test keeps what is its format's own: how a metric is encoded, and its failure cases.
 */
final class RegistryScenario {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RegistryScenario() {
    }

    /** A metric record in the test's wire format, framed with its schema id; a null latency is left unset. */
    @FunctionalInterface
    interface Encoder {
        byte[] encode(double cpu, double memoryUsed, Double latencyMs, String host);

        /** A normal record: every feature {@code base}, host {@code h1}. */
        default byte[] normal(double base) {
            return encode(base, base, base, "h1");
        }
    }

    /**
     * A {@link ScoringDriver} reading {@code input.format=format} from {@code registry}, with short registry retries
     * (10 ms back-off, 1 s timeout) and {@code extra} added, over a test model of {@code features}.
     */
    static ScoringDriver start(Path dir, RegistryStandIn registry, String format, List<String> features,
                               Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(Map.of("input.format", format, "schema.registry.url", registry.url().toString(),
                "schema.registry.retry.backoff.ms", "10", "schema.registry.request.timeout.ms", "1000"));
        m.putAll(extra);
        return ScoringDriver.start(dir, m, features);
    }

    /** Closes the test's driver (if it started one) and its registry. */
    static void close(ScoringDriver kade, RegistryStandIn registry) {
        if (kade != null) {
            kade.close();
        }
        registry.close();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A record's header as UTF-8, null without it. */
    static String header(TestRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /**
     * Ten normal records and one anomaly ({@code odd}, host {@code web-7}) in the format: all scored as their JSON would
     * be, the anomaly alerts with {@code memory.used} (a nested field) and {@code latency_ms} as features and its host
     * copied, nothing dead-lettered, the schema fetched once. Returns the alert for the format's own checks.
     */
    static JsonNode assertScoredAsJsonAndTheAnomalyAlerts(ScoringDriver kade, RegistryStandIn registry, Encoder encoder)
            throws IOException {
        for (int i = 0; i < 10; i++) {
            kade.in.pipeInput(bytes("n" + i), encoder.normal(2 + i * 0.5));
        }
        kade.in.pipeInput(bytes("odd"), encoder.encode(2, 2, 2 + TestModels.ANOMALY_OFFSET, "web-7"));
        assertThat(kade.scores.readValuesToList()).hasSize(11);
        List<TestRecord<byte[], byte[]>> alerted = kade.alerts.readRecordsToList();
        assertThat(alerted).hasSize(1);
        JsonNode alert = JSON.readTree(alerted.get(0).value());
        assertThat(alert.get("key").asText()).isEqualTo("odd");
        assertThat(alert.get("features").get("memory.used").asDouble()).isEqualTo(2.0);
        assertThat(alert.get("features").get("latency_ms").asDouble()).isEqualTo(2 + TestModels.ANOMALY_OFFSET);
        assertThat(alert.get("context").get("host").asText()).isEqualTo("web-7");
        assertThat(kade.deadLetters.isEmpty()).isTrue();
        assertThat(kade.metrics.counts()).isEqualTo(new KadeMetrics.Counts(11, 11, 1, 0));
        assertThat(registry.requests()).as("one fetch, then the cache").isEqualTo(1);
        return alert;
    }

    /**
     * Sends {@code values} (keys {@code r0, r1, ...}), of which only the last is good: each of the others is dead-lettered
     * in order with its {@code reasons} and its original bytes, the last is scored and the counts add up. Returns the
     * dead letters for the format's own checks of their details.
     */
    static List<TestRecord<byte[], byte[]>> assertEachDeadLettered(ScoringDriver kade, byte[][] values, String... reasons) {
        for (int i = 0; i < values.length; i++) {
            kade.in.pipeInput(bytes("r" + i), values[i]);
        }
        List<TestRecord<byte[], byte[]>> dead = kade.deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsExactly(reasons);
        for (int i = 0; i < dead.size(); i++) {
            assertThat(dead.get(i).value()).isEqualTo(values[i]);
        }
        assertThat(kade.scores.readValuesToList()).hasSize(1);
        assertThat(kade.metrics.counts()).isEqualTo(new KadeMetrics.Counts(values.length, 1, 0, values.length - 1));
        return dead;
    }

    /**
     * End to end on a broker: 300 records (keys {@code r0..r299}) in {@code format}, encoded by {@code good} but for
     * those {@code bad} replaces (by index), produced to a running kade reading from {@code registry} under
     * {@code exactly_once_v2}. Every good record is scored, the one anomaly ({@code r137}) alerts with its host copied,
     * each bad one is dead-lettered with its reason ({@code reasons}, in any order) and in = scored + dead-lettered.
     */
    static void assertScoredEndToEnd(String bootstrap, Path dir, RegistryStandIn registry, String format, Encoder good,
                                     Map<Integer, byte[]> bad, String... reasons) throws Exception {
        String prefix = SharedKafka.unique(format);
        ScoringScenario.createTopics(bootstrap, 2, prefix + "-in", prefix + "-alerts", prefix + "-scores", prefix + "-dlq");
        Path model = TestModels.writeModel(dir.resolve("model.onnx"), "it-v1");
        Map<String, String> m = ScoringScenario.settings(bootstrap, prefix, model, ProcessingGuarantee.EXACTLY_ONCE_V2);
        m.put("input.format", format);
        m.put("schema.registry.url", registry.url().toString());
        m.put("output.fields.copy", "host");
        int records = 300;
        try (ScoringApp app = ScoringApp.start(KadeConfig.fromMap(m))) {
            assertThat(app.awaitReady(Duration.ofSeconds(60))).as("ready").isTrue();
            Random random = new Random(11);
            try (KafkaProducer<byte[], byte[]> producer = ScoringScenario.producer(bootstrap)) {
                for (int i = 0; i < records; i++) {
                    double base = 1 + random.nextDouble() * 9;
                    double latency = i == 137 ? base + TestModels.ANOMALY_OFFSET : base + random.nextGaussian() * 0.05;
                    byte[] value = good.encode(base + random.nextGaussian() * 0.05, base + random.nextGaussian() * 0.05,
                            latency, "host-" + i);
                    value = bad.getOrDefault(i, value);
                    producer.send(new ProducerRecord<>(prefix + "-in", bytes("r" + i), value));
                }
                producer.flush();
            }
            List<ConsumerRecord<byte[], byte[]>> scores = ScoringScenario.consume(bootstrap, prefix + "-scores",
                    records - bad.size(), Duration.ofSeconds(60));
            List<ConsumerRecord<byte[], byte[]>> dead = ScoringScenario.consume(bootstrap, prefix + "-dlq", bad.size(),
                    Duration.ofSeconds(30));
            List<ConsumerRecord<byte[], byte[]>> alerts = ScoringScenario.consume(bootstrap, prefix + "-alerts", 1,
                    Duration.ofSeconds(30));
            assertThat(scores).hasSize(records - bad.size());
            List<String> badKeys = new ArrayList<>();
            bad.keySet().forEach(i -> badKeys.add("r" + i));
            assertThat(ScoringScenario.keys(dead)).containsExactlyInAnyOrderElementsOf(badKeys);
            assertThat(dead).extracting(r -> new String(r.headers().lastHeader(DeadLetterHeaders.REASON).value(),
                    StandardCharsets.UTF_8)).containsExactlyInAnyOrder(reasons);
            assertThat(alerts).hasSize(1);
            assertThat(new String(alerts.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("r137");
            assertThat(JSON.readTree(alerts.get(0).value()).get("context").get("host").asText()).isEqualTo("host-137");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(app.counts().in()).isEqualTo(records));
            var c = app.counts();
            assertThat(c.scored() + c.deadLettered()).isEqualTo(records);
        }
    }
}
