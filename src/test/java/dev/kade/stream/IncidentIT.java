package dev.kade.stream;

import static dev.kade.stream.IncidentScenario.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.ScoringApp;
import dev.kade.config.KadeConfig;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code alerts.mode=incident} through a real {@link ScoringApp} on a real broker (in-process KRaft) under
 * {@code exactly_once_v2}: a ten-minute flood of one host is one incident on the alert topic (read_committed), keyed
 * by its id, resolved by the quiet time, and the metrics endpoint counts its events.
 */
class IncidentIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final SharedKafka BROKER = new SharedKafka();

    @Test
    void aFloodIsOneIncidentOnTheAlertTopic(@TempDir Path dir) throws Exception {
        String prefix = SharedKafka.unique("incident");
        String bootstrap = BROKER.bootstrapServers();
        ScoringScenario.createTopics(bootstrap, 2, prefix + "-in", prefix + "-alerts", prefix + "-scores", prefix + "-dlq");
        Map<String, String> m = IncidentScenario.settings(bootstrap, prefix, dir);
        int records = 0;
        try (ScoringApp app = ScoringApp.start(KadeConfig.fromMap(m))) {
            assertThat(app.awaitReady(Duration.ofSeconds(60))).as("ready").isTrue();
            long t0 = System.currentTimeMillis() - 3_600_000L;
            Random random = new Random(11);
            try (KafkaProducer<byte[], byte[]> producer = ScoringScenario.producer(bootstrap)) {
                // host-1 anomalous for 600 s, host-2 normal throughout and on for 2 more minutes
                for (int s = 0; s < 720; s++) {
                    if (s < 600) {
                        producer.send(record(prefix, "host-1", TestModels.anomaly(random), t0 + s * 1000L));
                        records++;
                    }
                    producer.send(record(prefix, "host-2", TestModels.normal(random), t0 + s * 1000L));
                    records++;
                }
                producer.flush();
            }
            int sent = records;
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(app.counts().in()).isEqualTo(sent));
            List<ConsumerRecord<byte[], byte[]>> out = ScoringScenario.consume(bootstrap, prefix + "-alerts", 11,
                    Duration.ofSeconds(30));
            assertThat(out).hasSize(11); // opened, 9 updates (at 60 s .. 540 s: one a minute), resolved
            JsonNode first = JSON.readTree(out.get(0).value());
            JsonNode last = JSON.readTree(out.get(out.size() - 1).value());
            assertThat(first.get("event").asText()).isEqualTo("opened");
            assertThat(last.get("event").asText()).isEqualTo("resolved");
            assertThat(last.get("count").asInt()).isEqualTo(600);
            for (ConsumerRecord<byte[], byte[]> r : out) {
                JsonNode e = JSON.readTree(r.value());
                assertThat(e.get("entity").asText()).isEqualTo("host-1");
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(first.get("incident_id").asText())
                        .isEqualTo(e.get("incident_id").asText());
            }
            String metrics = ScoringScenario.get(app.metricsPort(), "/metrics");
            assertThat(metrics).contains("kade_incident_events_total{application=\"" + prefix + "-app\",event=\"opened\"} 1.0")
                    .contains("kade_incident_events_total{application=\"" + prefix + "-app\",event=\"resolved\"} 1.0")
                    .contains("kade_anomalies_total{application=\"" + prefix + "-app\"} 600.0");
        }
    }
}
