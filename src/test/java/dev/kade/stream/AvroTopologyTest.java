package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.metrics.KadeMetrics;
import dev.kade.output.DeadLetterHeaders;
import dev.kade.testing.AvroRecords;
import dev.kade.testing.RegistryStandIn;
import dev.kade.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code input.format=avro} in {@link TopologyTestDriver}: records in the schema-registry wire format are decoded
 * by the schema fetched by id and scored as their JSON would be; every kind of failure is a dead letter with its
 * own reason and the original bytes, and none stalls the stream. The registry is {@link RegistryStandIn}, a
 * stand-in for the registry's HTTP API (no registry runs here), reached over real HTTP by kade's own client.
 */
class AvroTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ID = 7;

    @TempDir
    Path dir;
    private RegistryStandIn registry;
    private ScoringDriver kade;
    private KadeMetrics metrics;
    private TestInputTopic<byte[], byte[]> in;
    private TestOutputTopic<byte[], byte[]> alerts;
    private TestOutputTopic<byte[], byte[]> scores;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void registry() throws Exception {
        registry = new RegistryStandIn().avro(ID, AvroRecords.SCHEMA);
    }

    private void start(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(Map.of("input.format", "avro", "schema.registry.url", registry.url().toString(),
                "schema.registry.retry.backoff.ms", "10", "schema.registry.request.timeout.ms", "1000"));
        m.putAll(extra);
        kade = ScoringDriver.start(dir, m, t -> t);
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
        registry.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private byte[] normal(double base) {
        return AvroRecords.framed(ID, AvroRecords.metric(base, base, base, "h1"));
    }

    @Test
    void avroRecordsAreScoredAsTheirJsonWouldBeAndTheAnomalyAlertsWithNestedAndUnionFieldsAsFeatures() throws Exception {
        start(Map.of("output.fields.copy", "host"));
        for (int i = 0; i < 10; i++) {
            in.pipeInput(bytes("n" + i), normal(2 + i * 0.5));
        }
        in.pipeInput(bytes("odd"), AvroRecords.framed(ID, AvroRecords.metric(2, 2, 2 + TestModels.ANOMALY_OFFSET, "web-7")));
        assertThat(scores.readValuesToList()).hasSize(11);
        List<TestRecord<byte[], byte[]>> alerted = alerts.readRecordsToList();
        assertThat(alerted).hasSize(1);
        JsonNode alert = JSON.readTree(alerted.get(0).value());
        assertThat(alert.get("key").asText()).isEqualTo("odd");
        assertThat(alert.get("features").get("memory.used").asDouble()).isEqualTo(2.0);
        assertThat(alert.get("features").get("latency_ms").asDouble()).isEqualTo(2 + TestModels.ANOMALY_OFFSET);
        assertThat(alert.get("context").get("host").asText()).isEqualTo("web-7");
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(metrics.counts()).isEqualTo(new KadeMetrics.Counts(11, 11, 1, 0));
        assertThat(registry.requests()).as("one fetch, then the cache").isEqualTo(1);
    }

    @Test
    void aNullUnionBranchIsAMissingFeatureDeadLetterWithTheOriginalAvroBytes() {
        start(Map.of());
        byte[] value = AvroRecords.framed(ID, AvroRecords.metric(2, 2, null, "h1"));
        in.pipeInput(bytes("k"), value);
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("missing_feature");
        assertThat(dead.value()).as("the original bytes, not the decoded JSON").isEqualTo(value);
    }

    @Test
    void eachDecodingFailureHasItsOwnReasonKeepsTheOriginalBytesAndTheStreamFlows() {
        registry.other(9, "PROTOBUF", "syntax = \"proto3\"; message M { double cpu = 1; }");
        start(Map.of());
        byte[] json = bytes(TestModels.record(1, 1, 1));
        byte[] unknownId = AvroRecords.framed(404, AvroRecords.metric(1, 1, 1.0, "h"));
        byte[] protobuf = AvroRecords.framed(9, AvroRecords.metric(1, 1, 1.0, "h"));
        byte[] good = normal(3);
        byte[] truncated = Arrays.copyOf(good, good.length - 3);
        byte[] leftOver = Arrays.copyOf(good, good.length + 2);
        byte[][] values = {json, {0, 0}, unknownId, protobuf, truncated, leftOver, good};
        for (int i = 0; i < values.length; i++) {
            in.pipeInput(bytes("r" + i), values[i]);
        }
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON)).containsExactly("not_wire_format",
                "not_wire_format", "unknown_schema", "unknown_schema", "undecodable", "undecodable");
        for (int i = 0; i < dead.size(); i++) {
            assertThat(dead.get(i).value()).isEqualTo(values[i]);
        }
        assertThat(header(dead.get(2), DeadLetterHeaders.DETAIL)).contains("no schema 404");
        assertThat(header(dead.get(3), DeadLetterHeaders.DETAIL)).contains("PROTOBUF");
        assertThat(scores.readValuesToList()).hasSize(1);
        assertThat(metrics.counts()).isEqualTo(new KadeMetrics.Counts(7, 1, 0, 6));
    }

    @Test
    void aRegistryOutageDeadLettersAfterBoundedRetriesThenAtOnceUntilTheCooldownEndsAndRecoversAfter() throws Exception {
        start(Map.of("schema.registry.retries", "2", "schema.registry.failure.cooldown.ms", "300"));
        registry.down(true);
        in.pipeInput(bytes("a"), normal(2));
        assertThat(registry.requests()).as("one try and two retries").isEqualTo(3);
        in.pipeInput(bytes("b"), normal(2));
        assertThat(registry.requests()).as("within the cooldown: not asked again").isEqualTo(3);
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON))
                .containsExactly("schema_unavailable", "schema_unavailable");
        assertThat(header(dead.get(0), DeadLetterHeaders.DETAIL)).contains("503");
        registry.down(false);
        Thread.sleep(400);
        in.pipeInput(bytes("c"), normal(2));
        assertThat(scores.readValuesToList()).hasSize(1);
        assertThat(metrics.counts()).isEqualTo(new KadeMetrics.Counts(3, 1, 0, 2));
    }

    @Test
    void aRegistryThatRefusesConnectionsIsAnOutageToo() {
        start(Map.of("schema.registry.retries", "0"));
        registry.close();
        in.pipeInput(bytes("a"), normal(2));
        assertThat(header(deadLetters.readRecord(), DeadLetterHeaders.REASON)).isEqualTo("schema_unavailable");
    }

    @Test
    void basicAuthenticationIsSentWhenConfigured() {
        registry.requireBasicAuth("kade:s3cret");
        start(Map.of("schema.registry.basic.auth.user.info", "kade:s3cret"));
        in.pipeInput(bytes("a"), normal(2));
        assertThat(scores.readValuesToList()).hasSize(1);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void wrongCredentialsAreAnOutageNotAnUnknownSchema() {
        registry.requireBasicAuth("kade:s3cret");
        start(Map.of("schema.registry.basic.auth.user.info", "kade:wrong", "schema.registry.retries", "0"));
        in.pipeInput(bytes("a"), normal(2));
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("schema_unavailable");
        assertThat(header(dead, DeadLetterHeaders.DETAIL)).contains("401");
    }
}
