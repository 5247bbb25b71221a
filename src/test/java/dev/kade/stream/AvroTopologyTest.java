package dev.kade.stream;

import static dev.kade.stream.RegistryScenario.bytes;
import static dev.kade.stream.RegistryScenario.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.metrics.KadeMetrics;
import dev.kade.output.DeadLetterHeaders;
import dev.kade.testing.AvroRecords;
import dev.kade.testing.RegistryStandIn;
import dev.kade.testing.TestModels;
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
 * {@code input.format=avro} in {@link TopologyTestDriver}: records in the schema-registry wire format are decoded
 * by the schema fetched by id and scored as their JSON would be; every kind of failure is a dead letter with its
 * own reason and the original bytes, and none stalls the stream. The registry is {@link RegistryStandIn}, a
 * stand-in for the registry's HTTP API (no registry runs here), reached over real HTTP by kade's own client.
 */
class AvroTopologyTest {
    private static final int ID = 7;
    private static final RegistryScenario.Encoder AVRO = (cpu, memoryUsed, latencyMs, host) ->
            AvroRecords.framed(ID, AvroRecords.metric(cpu, memoryUsed, latencyMs, host));

    @TempDir
    Path dir;
    private RegistryStandIn registry;
    private ScoringDriver kade;

    @BeforeEach
    void registry() throws Exception {
        registry = new RegistryStandIn().avro(ID, AvroRecords.SCHEMA);
    }

    private void start(Map<String, String> extra) {
        kade = RegistryScenario.start(dir, registry, "avro", TestModels.FEATURES, extra);
    }

    @AfterEach
    void close() {
        RegistryScenario.close(kade, registry);
    }

    private static byte[] normal(double base) {
        return AVRO.normal(base);
    }

    @Test
    void avroRecordsAreScoredAsTheirJsonWouldBeAndTheAnomalyAlertsWithNestedAndUnionFieldsAsFeatures() throws Exception {
        start(Map.of("output.fields.copy", "host"));
        RegistryScenario.assertScoredAsJsonAndTheAnomalyAlerts(kade, registry, AVRO);
    }

    @Test
    void aNullUnionBranchIsAMissingFeatureDeadLetterWithTheOriginalAvroBytes() {
        start(Map.of());
        byte[] value = AvroRecords.framed(ID, AvroRecords.metric(2, 2, null, "h1"));
        kade.in.pipeInput(bytes("k"), value);
        TestRecord<byte[], byte[]> dead = kade.deadLetters.readRecord();
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
        List<TestRecord<byte[], byte[]>> dead = RegistryScenario.assertEachDeadLettered(kade, values, "not_wire_format",
                "not_wire_format", "unknown_schema", "unknown_schema", "undecodable", "undecodable");
        assertThat(header(dead.get(2), DeadLetterHeaders.DETAIL)).contains("no schema 404");
        assertThat(header(dead.get(3), DeadLetterHeaders.DETAIL)).contains("PROTOBUF");
    }

    @Test
    void aRegistryOutageDeadLettersAfterBoundedRetriesThenAtOnceUntilTheCooldownEndsAndRecoversAfter() throws Exception {
        start(Map.of("schema.registry.retries", "2", "schema.registry.failure.cooldown.ms", "300"));
        registry.down(true);
        kade.in.pipeInput(bytes("a"), normal(2));
        assertThat(registry.requests()).as("one try and two retries").isEqualTo(3);
        kade.in.pipeInput(bytes("b"), normal(2));
        assertThat(registry.requests()).as("within the cooldown: not asked again").isEqualTo(3);
        List<TestRecord<byte[], byte[]>> dead = kade.deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> header(r, DeadLetterHeaders.REASON))
                .containsExactly("schema_unavailable", "schema_unavailable");
        assertThat(header(dead.get(0), DeadLetterHeaders.DETAIL)).contains("503");
        registry.down(false);
        Thread.sleep(400);
        kade.in.pipeInput(bytes("c"), normal(2));
        assertThat(kade.scores.readValuesToList()).hasSize(1);
        assertThat(kade.metrics.counts()).isEqualTo(new KadeMetrics.Counts(3, 1, 0, 2));
    }

    @Test
    void aRegistryThatRefusesConnectionsIsAnOutageToo() {
        start(Map.of("schema.registry.retries", "0"));
        registry.close();
        kade.in.pipeInput(bytes("a"), normal(2));
        assertThat(header(kade.deadLetters.readRecord(), DeadLetterHeaders.REASON)).isEqualTo("schema_unavailable");
    }

    @Test
    void basicAuthenticationIsSentWhenConfigured() {
        registry.requireBasicAuth("kade:s3cret");
        start(Map.of("schema.registry.basic.auth.user.info", "kade:s3cret"));
        kade.in.pipeInput(bytes("a"), normal(2));
        assertThat(kade.scores.readValuesToList()).hasSize(1);
        assertThat(kade.deadLetters.isEmpty()).isTrue();
    }

    @Test
    void wrongCredentialsAreAnOutageNotAnUnknownSchema() {
        registry.requireBasicAuth("kade:s3cret");
        start(Map.of("schema.registry.basic.auth.user.info", "kade:wrong", "schema.registry.retries", "0"));
        kade.in.pipeInput(bytes("a"), normal(2));
        TestRecord<byte[], byte[]> dead = kade.deadLetters.readRecord();
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("schema_unavailable");
        assertThat(header(dead, DeadLetterHeaders.DETAIL)).contains("401");
    }
}
