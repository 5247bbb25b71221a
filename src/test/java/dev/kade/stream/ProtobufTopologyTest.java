package dev.kade.stream;

import static dev.kade.stream.RegistryScenario.bytes;
import static dev.kade.stream.RegistryScenario.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.metrics.KadeMetrics;
import dev.kade.output.DeadLetterHeaders;
import dev.kade.testing.AvroRecords;
import dev.kade.testing.ProtobufRecords;
import dev.kade.testing.RegistryStandIn;
import dev.kade.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code input.format=protobuf} in {@link TopologyTestDriver}: records in Confluent's Protobuf wire format, encoded by
 * protobuf-java ({@link ProtobufRecords}), are decoded by the {@code .proto} file fetched by id and scored as their
 * JSON would be, proto3 defaults included; every kind of failure is a dead letter with its own reason and the
 * original bytes. The registry is {@link RegistryStandIn} (no registry runs here: docs/input-formats.md).
 */
class ProtobufTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ID = 12;
    private static final RegistryScenario.Encoder PROTOBUF = (cpu, memoryUsed, latencyMs, host) ->
            ProtobufRecords.framed(ID, ProtobufRecords.metric(cpu, memoryUsed, latencyMs, host));

    @TempDir
    Path dir;
    private RegistryStandIn registry;
    private ScoringDriver kade;

    @BeforeEach
    void registry() throws Exception {
        registry = new RegistryStandIn().other(ID, "PROTOBUF", ProtobufRecords.PROTO);
    }

    private void start(List<String> features, Map<String, String> extra) {
        kade = RegistryScenario.start(dir, registry, "protobuf", features, extra);
    }

    private void start(Map<String, String> extra) {
        start(TestModels.FEATURES, extra);
    }

    @AfterEach
    void close() {
        RegistryScenario.close(kade, registry);
    }

    private static byte[] normal(double base) {
        return PROTOBUF.normal(base);
    }

    @Test
    void protobufRecordsAreScoredAsTheirJsonWouldBeAndTheAnomalyAlertsWithANestedMessageFieldAsAFeature() throws Exception {
        start(Map.of("output.fields.copy", "host,note"));
        JsonNode alert = RegistryScenario.assertScoredAsJsonAndTheAnomalyAlerts(kade, registry, PROTOBUF);
        assertThat(alert.get("context").get("note").asText()).as("a oneof's set branch").isEqualTo("oneof branch");
    }

    @Test
    void aProto3ZeroThatTheWriterLeftOutIsScoredAsZeroButAnUnsetOptionalFieldIsAMissingFeature() throws Exception {
        start(Map.of());
        byte[] zeros = ProtobufRecords.framed(ID, ProtobufRecords.metric(0.0, 0.0, 0.0, ""));
        byte[] noLatency = ProtobufRecords.framed(ID, ProtobufRecords.metric(2, 2, null, "h1"));
        assertThat(zeros.length).as("protobuf-java wrote no cpu, memory.used or host: they are zero").isLessThan(
                normal(2).length - 20);
        kade.in.pipeInput(bytes("zeros"), zeros);
        kade.in.pipeInput(bytes("unset"), noLatency);
        List<TestRecord<byte[], byte[]>> scored = kade.scores.readRecordsToList();
        assertThat(scored).hasSize(1);
        assertThat(new String(scored.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("zeros");
        TestRecord<byte[], byte[]> dead = kade.deadLetters.readRecord();
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("missing_feature");
        assertThat(header(dead, DeadLetterHeaders.DETAIL)).contains("latency_ms");
        assertThat(dead.value()).as("the original bytes, not the decoded JSON").isEqualTo(noLatency);
    }

    @Test
    void aMessageIndexPathPicksANestedMessageOfTheFile() throws Exception {
        start(List.of("cpu", "memory_used", "latency_ms"), Map.of());
        kade.in.pipeInput(bytes("inner"), ProtobufRecords.framed(ID, ProtobufRecords.inner(2, 2, 2 + TestModels.ANOMALY_OFFSET), 1, 0));
        assertThat(kade.scores.readValuesToList()).hasSize(1);
        JsonNode alert = JSON.readTree(kade.alerts.readValue());
        assertThat(alert.get("features").get("memory_used").asDouble()).isEqualTo(2.0);
        assertThat(kade.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void eachDecodingFailureHasItsOwnReasonKeepsTheOriginalBytesAndTheStreamFlows() {
        registry.avro(9, AvroRecords.SCHEMA);
        registry.other(10, "PROTOBUF", "syntax = \"proto3\"; message M { double cpu = 1 }");
        start(Map.of());
        byte[] good = normal(3);
        byte[] json = bytes(TestModels.record(1, 1, 1));
        byte[] unknownId = ProtobufRecords.framed(404, ProtobufRecords.metric(1, 1, 1.0, "h"));
        byte[] avroId = ProtobufRecords.framed(9, ProtobufRecords.metric(1, 1, 1.0, "h"));
        byte[] unparsable = ProtobufRecords.framed(10, ProtobufRecords.metric(1, 1, 1.0, "h"));
        byte[] noSuchMessage = ProtobufRecords.framed(ID, ProtobufRecords.metric(1, 1, 1.0, "h"), 5);
        byte[] indexCutOff = {0, 0, 0, 0, ID, (byte) 0x82};
        byte[] truncated = Arrays.copyOf(good, good.length - 3);
        byte[] wrongWireType = ProtobufRecords.framed(ID, new byte[] {0x0a, 0x01, 0x00}); // cpu (a double) as bytes
        byte[][] values = {json, {0, 0}, unknownId, avroId, unparsable, noSuchMessage, indexCutOff, truncated, wrongWireType, good};
        List<TestRecord<byte[], byte[]>> dead = RegistryScenario.assertEachDeadLettered(kade, values, "not_wire_format",
                "not_wire_format", "unknown_schema", "unknown_schema", "unknown_schema", "bad_message_index",
                "bad_message_index", "undecodable", "undecodable");
        assertThat(header(dead.get(2), DeadLetterHeaders.DETAIL)).contains("no schema 404");
        assertThat(header(dead.get(3), DeadLetterHeaders.DETAIL)).contains("AVRO");
        assertThat(header(dead.get(5), DeadLetterHeaders.DETAIL)).contains("[5]");
    }

    @Test
    void aRegistryOutageDeadLettersAfterBoundedRetriesAsForAvro() {
        start(Map.of("schema.registry.retries", "1"));
        registry.down(true);
        kade.in.pipeInput(bytes("a"), normal(2));
        kade.in.pipeInput(bytes("b"), normal(2));
        assertThat(registry.requests()).as("one try and one retry, then remembered").isEqualTo(2);
        assertThat(kade.deadLetters.readRecordsToList()).extracting(r -> header(r, DeadLetterHeaders.REASON))
                .containsExactly("schema_unavailable", "schema_unavailable");
        assertThat(kade.metrics.counts()).isEqualTo(new KadeMetrics.Counts(2, 0, 0, 2));
    }
}
