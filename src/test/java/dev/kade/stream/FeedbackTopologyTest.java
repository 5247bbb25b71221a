package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.StreamsSetup;
import dev.kade.config.KadeConfig;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ServableModel;
import dev.kade.onnx.OnnxModel;
import dev.kade.output.DeadLetterHeaders;
import dev.kade.testing.TestModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feedback loop ({@code alerts.feedback.topic}) through the scoring topology in {@link TopologyTestDriver}, with its
 * global store, scored by a real ONNX model.
 */
class FeedbackTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final long T0 = Instant.parse("2026-11-25T10:00:00Z").toEpochMilli();

    @TempDir
    Path dir;
    private TopologyTestDriver driver;
    private ModelRegistry models;
    private SimpleMeterRegistry meters;
    private TestInputTopic<byte[], byte[]> in;
    private TestInputTopic<byte[], byte[]> feedback;
    private TestOutputTopic<byte[], byte[]> alerts;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private final Random random = new Random(11);

    private void start() {
        Map<String, String> m = new HashMap<>(Map.of("bootstrap.servers", "unused:9092", "input.topics", "metrics",
                "model.path", dir.resolve("model.onnx").toString(), "alerts.mode", "incident", "alerts.incident.entity", "key",
                "alerts.incident.quiet.ms", "60000", "alerts.feedback.topic", "kade-feedback",
                // every test anomaly scores far below 1000 x the threshold: a labelled entity opens no incident
                "alerts.feedback.factor", "1000", "alerts.feedback.max.factor", "1000"));
        m.put("alerts.feedback.refresh.ms", "0");
        KadeConfig config = KadeConfig.fromMap(m);
        meters = new SimpleMeterRegistry();
        KadeMetrics metrics = new KadeMetrics("kade");
        metrics.bindTo(meters);
        models = ModelRegistry.of(ServableModel.unowned(OnnxModel.load(TestModels.writeModel(dir.resolve("model.onnx"), "v1"))));
        TopologyConfig tc = StreamsSetup.topology(config);
        tc = new TopologyConfig(tc.topics(), tc.topFeatures(), Clock.fixed(NOW, ZoneOffset.UTC), tc.batching(), tc.limits(),
                tc.includeLatent(), tc.series(), tc.context(), tc.input(), tc.incidents());
        driver = new TopologyTestDriver(ScoringTopology.build(tc, models, metrics), StreamsSetup.properties(config, metrics),
                Instant.ofEpochMilli(T0));
        var ser = new ByteArraySerializer();
        var de = new ByteArrayDeserializer();
        in = driver.createInputTopic("metrics", ser, ser);
        feedback = driver.createInputTopic("kade-feedback", ser, ser);
        alerts = driver.createOutputTopic("kade-alerts", de, de);
        deadLetters = driver.createOutputTopic("kade-dead-letters", de, de);
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
            driver = null;
        }
        if (models != null) {
            models.close();
            models = null;
        }
    }

    private void send(String key, String value, long at) {
        in.pipeInput(new TestRecord<>(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), null, at));
    }

    private void label(String key, String value) {
        feedback.pipeInput(new TestRecord<>(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8), null, T0));
    }

    /** A burst of {@code n} anomalies of each host, one a second from {@code from}, then quiet (normal records) past quiet.ms. */
    private long burst(long from, int n, String... hosts) {
        long at = from;
        for (int s = 0; s < n; s++, at += 1000) {
            for (String h : hosts) {
                send(h, TestModels.anomaly(random), at);
            }
        }
        for (int s = 0; s < 70; s++, at += 1000) {
            send("host-quiet", TestModels.normal(random), at);
        }
        return at;
    }

    private List<JsonNode> opened() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (var r : alerts.readRecordsToList()) {
            JsonNode e = JSON.readTree(r.value());
            if (e.get("event").asText().equals("opened")) {
                out.add(e);
            }
        }
        return out;
    }

    private double gauge(String name, String tag, String value) {
        var g = meters.find(name).tag(tag, value).gauge();
        return g == null ? Double.NaN : g.value();
    }

    @Test
    void aFalsePositiveLabelStopsTheEntitysNextIncidentsAndLeavesTheOthersAlone() throws IOException {
        start();
        long at = burst(T0, 5, "host-noisy", "host-real");
        List<JsonNode> first = opened();
        assertThat(first).extracting(e -> e.get("entity").asText()).containsExactlyInAnyOrder("host-noisy", "host-real");
        JsonNode noisy = first.stream().filter(e -> e.get("entity").asText().equals("host-noisy")).findFirst().orElseThrow();
        JsonNode real = first.stream().filter(e -> e.get("entity").asText().equals("host-real")).findFirst().orElseThrow();
        String id = noisy.get("incident_id").asText();
        label(id, "{\"incident_id\":\"" + id + "\",\"entity\":\"host-noisy\",\"label\":\"false_positive\",\"model\":\"v1\","
                + "\"by\":\"on-call\"}");
        String realId = real.get("incident_id").asText();
        label(realId, "{\"incident_id\":\"" + realId + "\",\"entity\":\"host-real\",\"label\":\"true_positive\",\"model\":\"v1\"}");

        at = burst(at, 5, "host-noisy", "host-real");
        burst(at, 5, "host-noisy", "host-real");
        assertThat(opened()).as("after the false positive, only the other host's incidents open")
                .extracting(e -> e.get("entity").asText()).containsExactly("host-real", "host-real");
        assertThat(gauge(KadeMetrics.FEEDBACK_LABELS, "label", "false_positive")).isEqualTo(1.0);
        assertThat(gauge(KadeMetrics.FEEDBACK_LABELS, "label", "true_positive")).isEqualTo(1.0);
        assertThat(gauge(KadeMetrics.FEEDBACK_PRECISION, "model", "v1")).isEqualTo(0.5);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void badFeedbackRecordsAreDeadLetteredOnceAndAnUnknownIncidentIsCountedAndIgnored() throws IOException {
        start();
        label("a", "not json at all");
        label("b", "{\"incident_id\":\"0123456789abcdef0123456789abcdef\",\"entity\":\"host-1\",\"label\":\"meh\"}");
        label("c", "{\"entity\":\"host-1\",\"label\":\"false_positive\"}");
        label("d", "{\"incident_id\":\"no-such-incident\",\"entity\":\"host-1\",\"label\":\"false_positive\"}");
        send("host-2", TestModels.normal(random), T0);
        assertThat(deadLetters.getQueueSize()).as("dead-lettered before any anomaly").isEqualTo(3);
        long at = burst(T0, 3, "host-1");
        burst(at, 3, "host-1");

        var dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(3);
        assertThat(dead).allSatisfy(r -> assertThat(new String(r.headers().lastHeader(DeadLetterHeaders.REASON).value(),
                StandardCharsets.UTF_8)).isEqualTo("feedback_invalid"));
        assertThat(dead).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(gauge(KadeMetrics.FEEDBACK_LABELS, "label", "refused")).isEqualTo(3.0);
        assertThat(gauge(KadeMetrics.FEEDBACK_LABELS, "label", "unknown_incident")).isEqualTo(1.0);
        assertThat(opened()).as("the unknown incident's label changes nothing: both bursts open")
                .extracting(e -> e.get("entity").asText()).containsExactly("host-1", "host-1");
    }
}
