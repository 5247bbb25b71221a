package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.testing.AvroRecords;
import dev.kade.testing.ProtobufRecords;
import dev.kade.testing.RegistryStandIn;
import dev.kade.testing.SharedKafka;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code input.format=protobuf} end to end on a real broker: records produced in Confluent's Protobuf wire format
 * (payloads written by protobuf-java, {@link ProtobufRecords}) are scored by a running kade, the one anomaly among
 * them alerts, and a record with an unregistered schema id, one whose message index names no message, and one with an
 * Avro schema's id are dead-lettered with their reasons while the rest flow (in = scored + dead-lettered). The
 * registry is {@link RegistryStandIn}, a stand-in for a registry's HTTP API (no schema registry runs here:
 * docs/input-formats.md); kade reaches it over HTTP with its own client.
 */
class ProtobufScoringIT {
    @RegisterExtension
    static final SharedKafka BROKER = new SharedKafka();

    @Test
    void protobufRecordsAreScoredAndTheOneAnomalyAlerts(@TempDir Path dir) throws Exception {
        try (RegistryStandIn registry = new RegistryStandIn().other(42, "PROTOBUF", ProtobufRecords.PROTO)
                .avro(44, AvroRecords.SCHEMA)) {
            RegistryScenario.assertScoredEndToEnd(BROKER.bootstrapServers(), dir, registry, "protobuf",
                    (cpu, memory, latency, host) -> ProtobufRecords.framed(42, ProtobufRecords.metric(cpu, memory, latency, host)),
                    Map.of(50, ProtobufRecords.framed(43, ProtobufRecords.metric(1, 1, 1.0, "x")), // never registered
                            60, ProtobufRecords.framed(42, ProtobufRecords.metric(1, 1, 1.0, "x"), 7), // no 8th message
                            70, AvroRecords.framed(44, AvroRecords.metric(1, 1, 1.0, "x"))), // Avro on a Protobuf topic
                    "unknown_schema", "bad_message_index", "unknown_schema");
            assertThat(registry.requests()).as("schemas 42, 43 and 44, each asked once").isEqualTo(3);
        }
    }
}
