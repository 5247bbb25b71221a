package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.ScoringApp;
import dev.kade.config.KadeConfig;
import dev.kade.config.ProcessingGuarantee;
import dev.kade.output.DeadLetterHeaders;
import dev.kade.testing.AvroRecords;
import dev.kade.testing.ProtobufRecords;
import dev.kade.testing.RegistryStandIn;
import dev.kade.testing.SharedKafka;
import dev.kade.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void protobufRecordsAreScoredAndTheOneAnomalyAlerts(@TempDir Path dir) throws Exception {
        String bootstrap = BROKER.bootstrapServers();
        String prefix = SharedKafka.unique("protobuf");
        ScoringScenario.createTopics(bootstrap, 2, prefix + "-in", prefix + "-alerts", prefix + "-scores", prefix + "-dlq");
        Path model = TestModels.writeModel(dir.resolve("model.onnx"), "it-v1");
        try (RegistryStandIn registry = new RegistryStandIn().other(42, "PROTOBUF", ProtobufRecords.PROTO)
                .avro(44, AvroRecords.SCHEMA)) {
            Map<String, String> m = ScoringScenario.settings(bootstrap, prefix, model, ProcessingGuarantee.EXACTLY_ONCE_V2);
            m.put("input.format", "protobuf");
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
                        byte[] value = ProtobufRecords.framed(42, ProtobufRecords.metric(base + random.nextGaussian() * 0.05,
                                base + random.nextGaussian() * 0.05, latency, "host-" + i));
                        if (i == 50) {
                            value = ProtobufRecords.framed(43, ProtobufRecords.metric(1, 1, 1.0, "x")); // never registered
                        } else if (i == 60) {
                            value = ProtobufRecords.framed(42, ProtobufRecords.metric(1, 1, 1.0, "x"), 7); // no 8th message
                        } else if (i == 70) {
                            value = AvroRecords.framed(44, AvroRecords.metric(1, 1, 1.0, "x")); // Avro on a Protobuf topic
                        }
                        producer.send(new ProducerRecord<>(prefix + "-in", ("r" + i).getBytes(StandardCharsets.UTF_8), value));
                    }
                    producer.flush();
                }
                List<ConsumerRecord<byte[], byte[]>> scores = ScoringScenario.consume(bootstrap, prefix + "-scores",
                        records - 3, Duration.ofSeconds(60));
                List<ConsumerRecord<byte[], byte[]>> dead = ScoringScenario.consume(bootstrap, prefix + "-dlq", 3,
                        Duration.ofSeconds(30));
                List<ConsumerRecord<byte[], byte[]>> alerts = ScoringScenario.consume(bootstrap, prefix + "-alerts", 1,
                        Duration.ofSeconds(30));
                assertThat(scores).hasSize(records - 3);
                assertThat(ScoringScenario.keys(dead)).containsExactlyInAnyOrder("r50", "r60", "r70");
                assertThat(dead).extracting(r -> new String(r.headers().lastHeader(DeadLetterHeaders.REASON).value(),
                        StandardCharsets.UTF_8)).containsExactlyInAnyOrder("unknown_schema", "bad_message_index", "unknown_schema");
                assertThat(alerts).hasSize(1);
                assertThat(new String(alerts.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("r137");
                assertThat(JSON.readTree(alerts.get(0).value()).get("context").get("host").asText()).isEqualTo("host-137");
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(app.counts().in()).isEqualTo(records));
                var c = app.counts();
                assertThat(c.scored() + c.deadLettered()).isEqualTo(records);
                assertThat(registry.requests()).as("schemas 42, 43 and 44, each asked once").isEqualTo(3);
            }
        }
    }
}
