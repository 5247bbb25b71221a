package dev.kade.stream;

import static dev.kade.stream.IncidentScenario.bytes;
import static dev.kade.stream.IncidentScenario.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.ScoringApp;
import dev.kade.config.KadeConfig;
import dev.kade.output.DeadLetterHeaders;
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
 * The feedback loop through a real {@link ScoringApp} on a real broker (in-process KRaft) under {@code exactly_once_v2}:
 * labels on a compacted feedback topic, read into the global store before processing starts; a {@code false_positive}
 * host opens no incident while another host's does, and a bad feedback record reaches the dead-letter topic once
 * (read_committed).
 */
class FeedbackIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final SharedKafka BROKER = new SharedKafka();

    @Test
    void aLabelledHostOpensNoIncidentAndABadLabelIsDeadLetteredOnce(@TempDir Path dir) throws Exception {
        String prefix = SharedKafka.unique("feedback");
        String bootstrap = BROKER.bootstrapServers();
        ScoringScenario.createTopics(bootstrap, 2, prefix + "-in", prefix + "-alerts", prefix + "-dlq");
        IncidentScenario.createControlTopic(bootstrap, prefix + "-feedback");
        String id = "00112233445566778899aabbccddeeff";
        try (KafkaProducer<byte[], byte[]> producer = ScoringScenario.producer(bootstrap)) {
            producer.send(new ProducerRecord<>(prefix + "-feedback", bytes(id),
                    bytes("{\"incident_id\":\"" + id + "\",\"entity\":\"host-noisy\",\"label\":\"false_positive\"}"))).get();
            producer.send(new ProducerRecord<>(prefix + "-feedback", bytes("bad"), bytes("{\"label\":\"false_positive\"}"))).get();
        }
        Map<String, String> m = IncidentScenario.settings(bootstrap, prefix, dir);
        m.put("alerts.feedback.topic", prefix + "-feedback");
        // the test model's anomalies all score far below 1000 x its threshold
        m.put("alerts.feedback.factor", "1000");
        m.put("alerts.feedback.max.factor", "1000");
        int records = 0;
        try (ScoringApp app = ScoringApp.start(KadeConfig.fromMap(m))) {
            assertThat(app.awaitReady(Duration.ofSeconds(60))).as("ready").isTrue();
            long t0 = System.currentTimeMillis() - 3_600_000L;
            Random random = new Random(13);
            try (KafkaProducer<byte[], byte[]> producer = ScoringScenario.producer(bootstrap)) {
                // both hosts anomalous for 30 s, then a third host normal for 90 s (past the quiet time)
                for (int s = 0; s < 120; s++) {
                    if (s < 30) {
                        producer.send(record(prefix, "host-noisy", TestModels.anomaly(random), t0 + s * 1000L));
                        producer.send(record(prefix, "host-real", TestModels.anomaly(random), t0 + s * 1000L));
                        records += 2;
                    }
                    producer.send(record(prefix, "host-quiet", TestModels.normal(random), t0 + s * 1000L));
                    records++;
                }
                producer.flush();
            }
            int sent = records;
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(app.counts().in()).isEqualTo(sent));
            List<ConsumerRecord<byte[], byte[]>> out = ScoringScenario.consume(bootstrap, prefix + "-alerts", 3,
                    Duration.ofSeconds(15));
            assertThat(out).as("host-real's opened and resolved; nothing of host-noisy").hasSize(2);
            for (ConsumerRecord<byte[], byte[]> r : out) {
                JsonNode e = JSON.readTree(r.value());
                assertThat(e.get("entity").asText()).isEqualTo("host-real");
            }
            List<ConsumerRecord<byte[], byte[]>> dead = ScoringScenario.consume(bootstrap, prefix + "-dlq", 2,
                    Duration.ofSeconds(10));
            assertThat(dead).hasSize(1);
            assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("bad");
            assertThat(new String(dead.get(0).headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8))
                    .isEqualTo("feedback_invalid");
            String metrics = ScoringScenario.get(app.metricsPort(), "/metrics");
            assertThat(metrics).contains("kade_feedback_labels{application=\"" + prefix + "-app\",label=\"false_positive\"} 1.0")
                    .contains("kade_feedback_labels{application=\"" + prefix + "-app\",label=\"refused\"} 1.0");
        }
    }
}
