package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.ScoringApp;
import dev.kade.cli.CliRun;
import dev.kade.config.ProcessingGuarantee;
import dev.kade.metrics.KadeMetrics;
import dev.kade.testing.SharedKafka;
import dev.kade.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

/**
 * {@code kade promote} and {@code kade rollback} against a running kade with a shadow model, records streaming through
 * a real broker under exactly_once_v2: a promotion its criteria refuse changes nothing and names the criterion; one
 * they allow makes the shadow serve (later alerts carry its version), then a rollback brings the old champion back;
 * both are counted, and not one record is lost or scored twice across either swap.
 */
class PromoteIT {
    @RegisterExtension
    static final SharedKafka KAFKA = new SharedKafka();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aShadowIsPromotedByItsCriteriaOrRefusedNamingOneAndRolledBackWithoutLosingOrDuplicatingARecord(@TempDir Path dir)
            throws Exception {
        String bootstrap = KAFKA.kafka().bootstrapServers();
        String p = SharedKafka.unique("promote");
        ScoringScenario.createTopics(bootstrap, 1, p + "-in", p + "-alerts", p + "-scores", p + "-dlq");
        Path model = TestModels.writeModel(dir.resolve("model.onnx"), "champion-1");
        Path shadow = TestModels.writeModel(dir.resolve("shadow.onnx"), "challenger-2");
        try (ScoringApp app = ScoringApp.start(ScoringScenario.config(bootstrap, p, model, ProcessingGuarantee.EXACTLY_ONCE_V2,
                Map.of("model.shadow.path", shadow.toString())))) {
            assertThat(app.awaitReady(Duration.ofSeconds(60))).isTrue();
            String metrics = "http://127.0.0.1:" + app.metricsPort() + "/metrics";

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicBoolean pause = new AtomicBoolean(false);
            AtomicBoolean paused = new AtomicBoolean(false);
            AtomicLong sent = new AtomicLong();
            AtomicInteger anomaliesSent = new AtomicInteger();
            Thread producer = new Thread(() -> {
                Random random = new Random(5);
                try (KafkaProducer<byte[], byte[]> out = ScoringScenario.producer(bootstrap)) {
                    while (running.get()) {
                        if (pause.get()) {
                            out.flush();
                            paused.set(true);
                            sleep(10);
                            continue;
                        }
                        paused.set(false);
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
                            sleep(5);
                        }
                    }
                }
            }, "test-producer");
            producer.start();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> app.counts().in() >= 600);

                // refused: one criterion unmet; the file and the serving model stay
                byte[] before = Files.readAllBytes(model);
                CliRun refused = CliRun.execute("promote", "--model", model.toString(), "--shadow", shadow.toString(),
                        "--metrics-url", metrics, "--max-alert-rate", "0.2", "--min-records", "100000000", "--min-age", "0s");
                assertThat(refused.exit()).as(refused.err()).isEqualTo(1);
                assertThat(refused.err()).contains("refused to promote shadow challenger-2")
                        .contains("--min-records 100000000: ").doesNotContain("--min-rank-correlation")
                        .doesNotContain("--max-alert-rate");
                assertThat(Files.readAllBytes(model)).isEqualTo(before);
                assertThat(Files.exists(dir.resolve("model.onnx.previous"))).isFalse();
                assertThat(app.modelVersion()).isEqualTo("champion-1");

                // met: the two models agree fully (the same network), the shadow alerts on about 10% of records
                CliRun promoted = CliRun.execute("promote", "--model", model.toString(), "--shadow", shadow.toString(),
                        "--metrics-url", metrics, "--min-rank-correlation", "0.9", "--min-alert-overlap", "0.9",
                        "--max-alert-rate", "0.2", "--min-records", "500", "--min-age", "0s", "--wait", "30s");
                assertThat(promoted.exit()).as(promoted.err()).isZero();
                assertThat(promoted.out()).contains("every instance serves challenger-2 (was champion-1)");
                long promotedAt = sent.get(); // every record from here on is scored by challenger-2
                assertThat(app.modelVersion()).isEqualTo("challenger-2");
                assertThat(promotions(app, "promote")).isEqualTo(1.0);
                assertThat(ModelVersion.of(dir.resolve("model.onnx.previous"))).isEqualTo("champion-1");

                long target = promotedAt + 600;
                await().atMost(Duration.ofSeconds(60)).until(() -> app.counts().in() >= target);
                // hold the producer until kade has scored everything: every record below rollbackStart is then
                // scored by challenger-2 (kade may lag the producer, so a record's offset alone does not say when)
                pause.set(true);
                await().atMost(Duration.ofSeconds(10)).until(paused::get);
                long rollbackStart = sent.get();
                await().atMost(Duration.ofSeconds(60)).until(() -> app.counts().scored() == rollbackStart);
                CliRun back = CliRun.execute("rollback", "--model", model.toString(), "--metrics-url", metrics, "--wait", "30s");
                assertThat(back.exit()).as(back.err()).isZero();
                long rolledBackAt = sent.get();
                pause.set(false);
                assertThat(app.modelVersion()).isEqualTo("champion-1");
                assertThat(promotions(app, "rollback")).isEqualTo(1.0);
                assertThat(promotions(app, "promote")).isEqualTo(1.0);
                long target2 = rolledBackAt + 600;
                await().atMost(Duration.ofSeconds(60)).until(() -> app.counts().in() >= target2);

                running.set(false);
                producer.join();
                long total = sent.get();
                await().atMost(Duration.ofSeconds(60)).until(() -> app.counts().in() == total);

                // nothing lost or duplicated: every record has exactly one score record, every anomaly one alert
                List<ConsumerRecord<byte[], byte[]>> scores = ScoringScenario.consume(bootstrap, p + "-scores", (int) total,
                        Duration.ofSeconds(60));
                assertThat(scores).hasSize((int) total);
                assertThat(ScoringScenario.keys(scores)).hasSize((int) total);
                List<ConsumerRecord<byte[], byte[]>> alerts = ScoringScenario.consume(bootstrap, p + "-alerts",
                        anomaliesSent.get(), Duration.ofSeconds(60));
                assertThat(alerts).hasSize(anomaliesSent.get());
                assertThat(ScoringScenario.keys(alerts)).hasSize(anomaliesSent.get());

                // one partition: versions go champion-1 → challenger-2 → champion-1, each switch once
                List<String> versions = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : alerts) {
                    JsonNode alert = JSON.readTree(r.value());
                    String version = alert.get("model").get("version").asText();
                    long offset = alert.get("source").get("offset").asLong();
                    if (offset >= promotedAt && offset < rollbackStart) {
                        assertThat(version).as("alert at offset %s", offset).isEqualTo("challenger-2");
                    } else if (offset >= rolledBackAt) {
                        assertThat(version).as("alert at offset %s", offset).isEqualTo("champion-1");
                    }
                    if (versions.isEmpty() || !versions.get(versions.size() - 1).equals(version)) {
                        versions.add(version);
                    }
                }
                assertThat(versions).containsExactly("champion-1", "challenger-2", "champion-1");
            } finally {
                running.set(false);
                producer.join();
            }
        }
    }

    private static double promotions(ScoringApp app, String action) {
        return app.meters().get(KadeMetrics.MODEL_PROMOTIONS).tag("action", action).counter().count();
    }

    /** The version a model file says it is. */
    private static final class ModelVersion {
        static String of(Path file) {
            try (dev.kade.onnx.OnnxModel m = dev.kade.onnx.OnnxModel.load(file)) {
                return m.metadata().version();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
