package dev.kade.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kade.config.KadeConfig;
import dev.kade.kafka.EmbeddedKafka;
import dev.kade.testing.SharedKafka;
import dev.kade.testing.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/operations.md: "a stalled partition is named by /health/ready and counted by kade_partitions_stalled". In a
 * running {@link ScoringApp} (its own health monitor, metrics and HTTP server) whose Kafka Streams processing is
 * paused while input keeps arriving: the partition has lag and its committed offset stops moving, so after the
 * progress timeout the scrape says {@code kade_partitions_stalled 1} and readiness names the partition; resumed, both
 * clear. HealthIT covers a thread stuck inside a record; this covers the path from the monitor to the metric.
 */
class StalledPartitionIT {
    @RegisterExtension
    static final SharedKafka KAFKA = new SharedKafka();

    @Test
    void aPartitionThatStopsMovingIsCountedByTheMetricAndNamedByReadinessThenClears(@TempDir Path dir) throws Exception {
        EmbeddedKafka kafka = KAFKA.kafka();
        String p = SharedKafka.unique("stall");
        kafka.createTopics(1, p + "-in", p + "-alerts", p + "-dlq");
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", kafka.bootstrapServers());
        m.put("application.id", p + "-app");
        m.put("input.topics", p + "-in");
        m.put("alert.topic", p + "-alerts");
        m.put("dead.letter.topic", p + "-dlq");
        m.put("model.path", TestModels.writeModel(dir.resolve("model.onnx"), "v1").toString());
        m.put("metrics.port", "0");
        m.put(KadeConfig.HEALTH_PROGRESS_TIMEOUT_MS, "2000");
        m.put("kafka.state.dir", dir.resolve("state").toString());
        String stalled = "kade_partitions_stalled{application=\"" + p + "-app\"} ";
        try (ScoringApp app = ScoringApp.start(KadeConfig.fromMap(m))) {
            produce(kafka, p + "-in", 20);
            assertThat(app.awaitReady(Duration.ofSeconds(90))).as("ready").isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.meters().scrape().contains(stalled + "0.0"));

            app.streams().pause();
            produce(kafka, p + "-in", 20); // lag on a partition whose committed offset no longer moves
            await("kade_partitions_stalled 1 while paused").atMost(Duration.ofSeconds(30))
                    .until(() -> app.meters().scrape().contains(stalled + "1.0"));
            assertThat(app.readiness().healthy()).isFalse();
            assertThat(String.join("; ", app.readiness().reasons())).contains(p + "-in-0");

            app.streams().resume();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.meters().scrape().contains(stalled + "0.0")
                    && app.readiness().healthy());
        }
    }

    private static void produce(EmbeddedKafka kafka, String topic, int n) {
        Random random = new Random(n);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k" + i, TestModels.normal(random)));
            }
            producer.flush();
        }
    }
}
