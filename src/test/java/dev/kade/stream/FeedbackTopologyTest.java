package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kade.metrics.KadeMetrics;
import dev.kade.output.DeadLetterHeaders;
import dev.kade.testing.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feedback loop ({@code alerts.feedback.topic}) through the scoring topology in {@link TopologyTestDriver}, with its
 * global store, scored by a real ONNX model.
 */
class FeedbackTopologyTest {
    private static final long T0 = IncidentDriver.T0;

    @TempDir
    Path dir;
    private IncidentDriver kade;
    private TestInputTopic<byte[], byte[]> feedback;
    private final Random random = new Random(11);

    private void start() {
        kade = IncidentDriver.start(dir, Map.of("alerts.mode", "incident", "alerts.incident.entity", "key",
                "alerts.incident.quiet.ms", "60000", "alerts.feedback.topic", "kade-feedback",
                // every test anomaly scores far below 1000 x the threshold: a labelled entity opens no incident
                "alerts.feedback.factor", "1000", "alerts.feedback.max.factor", "1000", "alerts.feedback.refresh.ms", "0"));
        feedback = kade.input("kade-feedback");
    }

    @AfterEach
    void close() {
        if (kade != null) {
            kade.close();
            kade = null;
        }
    }

    private void label(String key, String value) {
        feedback.pipeInput(IncidentDriver.record(key, value, T0));
    }

    /** A burst of {@code n} anomalies of each host, one a second from {@code from}, then quiet (normal records) past quiet.ms. */
    private long burst(long from, int n, String... hosts) {
        long at = kade.anomalies(random, from, n, hosts);
        for (int s = 0; s < 70; s++, at += 1000) {
            kade.send("host-quiet", TestModels.normal(random), at);
        }
        return at;
    }

    private List<JsonNode> opened() throws IOException {
        return IncidentDriver.opened(IncidentDriver.json(kade.alerts));
    }

    private double gauge(String name, String tag, String value) {
        var g = kade.meters.find(name).tag(tag, value).gauge();
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
        assertThat(kade.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void badFeedbackRecordsAreDeadLetteredOnceAndAnUnknownIncidentIsCountedAndIgnored() throws IOException {
        start();
        label("a", "not json at all");
        label("b", "{\"incident_id\":\"0123456789abcdef0123456789abcdef\",\"entity\":\"host-1\",\"label\":\"meh\"}");
        label("c", "{\"entity\":\"host-1\",\"label\":\"false_positive\"}");
        label("d", "{\"incident_id\":\"no-such-incident\",\"entity\":\"host-1\",\"label\":\"false_positive\"}");
        kade.send("host-2", TestModels.normal(random), T0);
        assertThat(kade.deadLetters.getQueueSize()).as("dead-lettered before any anomaly").isEqualTo(3);
        long at = burst(T0, 3, "host-1");
        burst(at, 3, "host-1");

        var dead = kade.deadLetters.readRecordsToList();
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
