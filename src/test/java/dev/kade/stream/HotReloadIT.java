package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.ScoringApp;
import dev.kade.config.ProcessingGuarantee;
import dev.kade.kafka.EmbeddedKafka;
import dev.kade.testing.SharedKafka;
import dev.kade.metrics.KadeMetrics;
import dev.kade.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Replaces the model file while records stream through a real broker. */
class HotReloadIT {
    @RegisterExtension
    static final SharedKafka KAFKA = new SharedKafka();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void replacedModelServesLaterAlertsAndCorruptOrLyingFilesAreRefusedWhileTheOldKeepsServing(@TempDir Path dir) throws Exception {
        EmbeddedKafka kafka = KAFKA.kafka();
        String bootstrap = kafka.bootstrapServers();
        String p = SharedKafka.unique("reload");
        ScoringScenario.createTopics(bootstrap, 1, p + "-in", p + "-alerts", p + "-scores", p + "-dlq");
        Path model = TestModels.writeModel(dir.resolve("model.onnx"), "v1");
        try (ScoringApp app = ScoringApp.start(ScoringScenario.config(bootstrap, p, model, ProcessingGuarantee.AT_LEAST_ONCE))) {
            assertThat(app.awaitReady(Duration.ofSeconds(60))).isTrue();

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong sent = new AtomicLong();
            AtomicInteger anomaliesSent = new AtomicInteger();
            Thread producer = new Thread(() -> {
                Random random = new Random(3);
                try (KafkaProducer<byte[], byte[]> out = ScoringScenario.producer(bootstrap)) {
                    while (running.get()) {
                        long i = sent.get();
                        boolean anomaly = i % 10 == 0;
                        String v = anomaly ? TestModels.anomaly(random) : TestModels.normal(random);
                        out.send(new ProducerRecord<>(p + "-in", ("r" + i).getBytes(StandardCharsets.UTF_8),
                                v.getBytes(StandardCharsets.UTF_8)));
                        if (anomaly) {
                            anomaliesSent.incrementAndGet();
                        }
                        sent.incrementAndGet();
                        if (i % 20 == 0) {
                            out.flush();
                            sleep(2);
                        }
                    }
                }
            }, "test-producer");
            producer.start();

            await().atMost(Duration.ofSeconds(30)).until(() -> app.counts().anomalies() >= 20);
            TestModels.writeModel(model, "v2");
            await().atMost(Duration.ofSeconds(10)).until(() -> app.modelVersion().equals("v2"));
            long sentAfterSwap = sent.get(); // every record from here on is scored by v2
            await().atMost(Duration.ofSeconds(30)).until(() -> app.counts().in() >= sentAfterSwap + 200);

            TestModels.corrupt(model);
            await().atMost(Duration.ofSeconds(10)).until(() -> loads(app, "failure") == 1.0);
            long afterCorrupt = sent.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.counts().in() >= afterCorrupt + 200);

            // a model whose metadata lies (threshold 1e30 would alert on nothing) is refused the same way
            TestModels.writeModel(model, "v3-lying", TestModels.FEATURES, 1e30);
            await().atMost(Duration.ofSeconds(10)).until(() -> loads(app, "failure") == 2.0);
            long afterLie = sent.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.counts().in() >= afterLie + 200);
            running.set(false);
            producer.join();
            long total = sent.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.counts().in() == total);

            assertThat(app.modelVersion()).isEqualTo("v2");
            assertThat(loads(app, "success")).isEqualTo(2.0);
            assertThat(app.meters().scrape()).contains("version=\"v2\"").doesNotContain("version=\"v1\"");

            List<ConsumerRecord<byte[], byte[]>> alerts = ScoringScenario.consume(bootstrap, p + "-alerts",
                    anomaliesSent.get(), Duration.ofSeconds(30));
            assertThat(alerts).hasSize(anomaliesSent.get());
            List<String> versions = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : alerts) {
                JsonNode alert = JSON.readTree(r.value());
                String version = alert.get("model").get("version").asText();
                versions.add(version);
                if (alert.get("source").get("offset").asLong() >= sentAfterSwap) {
                    assertThat(version).as("alert for offset %s", alert.get("source").get("offset")).isEqualTo("v2");
                }
            }
            // one partition: versions switch once, from v1 to v2, and never back (the corrupt file and the
            // lying model were refused); anomalies sent after the lie still alert (count above)
            int firstV2 = versions.indexOf("v2");
            assertThat(firstV2).isPositive();
            assertThat(versions.subList(0, firstV2)).containsOnly("v1");
            assertThat(versions.subList(firstV2, versions.size())).containsOnly("v2");
        }
    }

    private static double loads(ScoringApp app, String result) {
        return app.meters().get(KadeMetrics.MODEL_LOADS).tag("result", result).counter().count();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
