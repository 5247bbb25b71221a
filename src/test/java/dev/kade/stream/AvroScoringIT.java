package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.testing.AvroRecords;
import dev.kade.testing.RegistryStandIn;
import dev.kade.testing.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's "done when" for schema-registry input, end to end on a real broker: records produced in Avro in the
 * registry wire format are scored by a running kade, the one anomaly among them alerts, and records with an
 * unregistered schema id and with bytes that are not the wire format are dead-lettered with their reasons while
 * the rest flow (in = scored + dead-lettered). The registry is {@link RegistryStandIn}, a stand-in for a registry's
 * HTTP API served in the test (no schema registry runs here); kade reaches it over HTTP with its own client.
 */
class AvroScoringIT {
    @RegisterExtension
    static final SharedKafka BROKER = new SharedKafka();

    @Test
    void avroRecordsAreScoredAndTheOneAnomalyAlerts(@TempDir Path dir) throws Exception {
        try (RegistryStandIn registry = new RegistryStandIn().avro(42, AvroRecords.SCHEMA)) {
            RegistryScenario.assertScoredEndToEnd(BROKER.bootstrapServers(), dir, registry, "avro",
                    (cpu, memory, latency, host) -> AvroRecords.framed(42, AvroRecords.metric(cpu, memory, latency, host)),
                    Map.of(50, AvroRecords.framed(43, AvroRecords.metric(1, 1, 1.0, "x")), // never registered
                            60, "{\"cpu\":1}".getBytes(StandardCharsets.UTF_8)), // JSON on an Avro topic
                    "unknown_schema", "not_wire_format");
            assertThat(registry.requests()).as("schemas 42 and 43, each asked once").isEqualTo(2);
        }
    }
}
