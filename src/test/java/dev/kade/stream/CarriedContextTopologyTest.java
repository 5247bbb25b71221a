package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.StreamsSetup;
import dev.kade.config.KadeConfig;
import dev.kade.metrics.KadeMetrics;
import dev.kade.output.ContextCut;
import dev.kade.output.ContextSettings;
import dev.kade.output.DeadLetterHeaders;
import dev.kade.output.OutputLimits;
import dev.kade.testing.TestModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 8 in {@link TopologyTestDriver}: an input record's W3C trace headers and chosen JSON fields reach
 * its alert and score (headers as Kafka headers, fields in the {@code context} object), stay within their
 * per-value bounds with a count, and never make an output exceed {@link OutputLimits} or fail a record.
 */
class CarriedContextTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    @TempDir
    Path dir;
    private ScoringDriver kade;
    private KadeMetrics metrics;
    private SimpleMeterRegistry meters;
    private TestInputTopic<byte[], byte[]> in;
    private TestOutputTopic<byte[], byte[]> alerts;
    private TestOutputTopic<byte[], byte[]> scores;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    private void start(Map<String, String> extra, OutputLimits limits) {
        kade = ScoringDriver.start(dir, extra, t -> t.withLimits(limits));
        meters = kade.meters;
        metrics = kade.metrics;
        in = kade.in;
        alerts = kade.alerts;
        scores = kade.scores;
        deadLetters = kade.deadLetters;
    }

    @AfterEach
    void close() {
        if (kade != null) {
            kade.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Headers headers(String... nameValue) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < nameValue.length; i += 2) {
            h.add(nameValue[i], bytes(nameValue[i + 1]));
        }
        return h;
    }

    private static String header(Headers h, String name) {
        Header last = h.lastHeader(name);
        return last == null ? null : new String(last.value(), StandardCharsets.UTF_8);
    }

    private static String anomaly(String extraFields) {
        String r = TestModels.record(2, 2, 2 + TestModels.ANOMALY_OFFSET);
        return r.substring(0, r.length() - 1) + extraFields + "}";
    }

    private double cuts(ContextCut cut) {
        return meters.get("kade.output.context.cuts").tag("cut", cut.label()).counter().count();
    }

    @Test
    void byDefaultTheW3cTraceHeadersReachTheAlertAndScoreAndOtherHeadersDoNot() {
        start(Map.of(), OutputLimits.DEFAULT);
        in.pipeInput(new TestRecord<>(bytes("k1"), bytes(anomaly("")),
                headers("traceparent", TRACEPARENT, "tracestate", "vendor=abc", "secret", "x")));
        TestRecord<byte[], byte[]> alert = alerts.readRecord();
        TestRecord<byte[], byte[]> score = scores.readRecord();
        for (TestRecord<byte[], byte[]> out : List.of(alert, score)) {
            assertThat(header(out.headers(), "traceparent")).isEqualTo(TRACEPARENT);
            assertThat(header(out.headers(), "tracestate")).isEqualTo("vendor=abc");
            assertThat(out.headers().lastHeader("secret")).isNull();
        }
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aDeadLetterKeepsItsTraceHeaderToo() {
        start(Map.of(), OutputLimits.DEFAULT);
        in.pipeInput(new TestRecord<>(bytes("bad"), bytes("not json"), headers("traceparent", TRACEPARENT)));
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead.headers(), "traceparent")).isEqualTo(TRACEPARENT);
        assertThat(header(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("not_json");
    }

    @Test
    void chosenFieldsAppearInTheContextObjectWithTheirJsonTypesTopLevelAndDotted() throws Exception {
        start(Map.of("output.fields.copy", "host,request.id,region,up,port,absent,tags"), OutputLimits.DEFAULT);
        in.pipeInput(bytes("k1"), bytes(anomaly(",\"region\":\"eu-1\",\"request\":{\"id\":\"r-42\"},\"up\":true,"
                + "\"port\":8080,\"tags\":[\"a\"]")));
        JsonNode alert = JSON.readTree(alerts.readValue());
        JsonNode score = JSON.readTree(scores.readValue());
        for (JsonNode out : List.of(alert, score)) {
            JsonNode c = out.get("context");
            assertThat(c).as(out.toString()).isNotNull();
            assertThat(c.get("host").asText()).isEqualTo("h1");
            assertThat(c.get("request.id").asText()).isEqualTo("r-42");
            assertThat(c.get("region").asText()).isEqualTo("eu-1");
            assertThat(c.get("up").isBoolean()).isTrue();
            assertThat(c.get("port").isInt()).isTrue();
            assertThat(c.get("port").asInt()).isEqualTo(8080);
            // absent names and non-scalar values are left out
            assertThat(c.has("absent")).isFalse();
            assertThat(c.has("tags")).isFalse();
        }
    }

    @Test
    void withoutFieldsConfiguredTheOutputsHaveNoContextObject() throws Exception {
        start(Map.of(), OutputLimits.DEFAULT);
        in.pipeInput(bytes("k1"), bytes(anomaly("")));
        assertThat(JSON.readTree(alerts.readValue()).has("context")).isFalse();
        assertThat(JSON.readTree(scores.readValue()).has("context")).isFalse();
    }

    @Test
    void anOverlongFieldIsCutAndAnOverlongHeaderDroppedEachCountedAndTheRecordStillAlerts() throws Exception {
        start(Map.of("output.fields.copy", "note", "output.fields.max.chars", "10", "output.headers.max.bytes", "60"),
                OutputLimits.DEFAULT);
        in.pipeInput(new TestRecord<>(bytes("k1"), bytes(anomaly(",\"note\":\"" + "n".repeat(5000) + "\"")),
                headers("traceparent", TRACEPARENT, "tracestate", "v=" + "s".repeat(100))));
        TestRecord<byte[], byte[]> alert = alerts.readRecord();
        assertThat(JSON.readTree(alert.value()).get("context").get("note").asText()).isEqualTo("n".repeat(10));
        assertThat(header(alert.headers(), "traceparent")).isEqualTo(TRACEPARENT);
        assertThat(alert.headers().lastHeader("tracestate")).isNull();
        // once for the alert's copy and once for the score's: the context is taken once per record
        assertThat(cuts(ContextCut.FIELD_TRUNCATED)).isEqualTo(1.0);
        assertThat(cuts(ContextCut.HEADER_DROPPED)).isEqualTo(1.0);
        assertThat(metrics.counts()).isEqualTo(new KadeMetrics.Counts(1, 1, 1, 0));
    }

    @Test
    void anAlertThatWouldNotFitWithItsContextIsSentWithoutItWithinTheLimitAndCounted() throws Exception {
        OutputLimits limits = new OutputLimits(OutputLimits.MIN_BYTES);
        // 34 fields of 100 characters: each within output.fields.max.chars, together beyond 4096 bytes
        StringBuilder fields = new StringBuilder();
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < 34; i++) {
            fields.append(",\"f").append(i).append("\":\"").append("v".repeat(100)).append('"');
            names.append(i == 0 ? "" : ",").append('f').append(i);
        }
        start(Map.of("output.fields.copy", names.toString()), limits);
        in.pipeInput(new TestRecord<>(bytes("k1"), bytes(anomaly(fields.toString())), headers("traceparent", TRACEPARENT)));
        TestRecord<byte[], byte[]> alert = alerts.readRecord();
        JsonNode a = JSON.readTree(alert.value());
        assertThat(a.has("context")).isFalse();
        assertThat(a.has("truncated")).isFalse();
        assertThat(alert.headers().toArray()).isEmpty();
        assertThat(alert.key().length + alert.value().length).isLessThanOrEqualTo(limits.maxBytes());
        // the score record is small: it keeps the context whole
        TestRecord<byte[], byte[]> score = scores.readRecord();
        assertThat(JSON.readTree(score.value()).get("context").size()).isEqualTo(34);
        assertThat(header(score.headers(), "traceparent")).isEqualTo(TRACEPARENT);
        assertThat(score.key().length + score.value().length + 60 + TRACEPARENT.length())
                .isLessThanOrEqualTo(limits.maxBytes());
        assertThat(cuts(ContextCut.CONTEXT_DROPPED)).isEqualTo(1.0);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void noContextSettingsCarryNothing() {
        start(Map.of("output.headers.copy", "none"), OutputLimits.DEFAULT);
        assertThat(StreamsSetup.context(KadeConfig.fromMap(Map.of("bootstrap.servers", "x:1", "input.topics", "t",
                "model.path", "m", "output.headers.copy", "none")))).isEqualTo(ContextSettings.NONE);
        in.pipeInput(new TestRecord<>(bytes("k1"), bytes(anomaly("")), headers("traceparent", TRACEPARENT)));
        assertThat(alerts.readRecord().headers().toArray()).isEmpty();
    }
}
