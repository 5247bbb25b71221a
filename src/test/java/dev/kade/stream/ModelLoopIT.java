package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.ScoringApp;
import dev.kade.cli.CliRun;
import dev.kade.config.ProcessingGuarantee;
import dev.kade.features.DataSet;
import dev.kade.model.ModelContract;
import dev.kade.onnx.OnnxModel;
import dev.kade.testing.SharedKafka;
import dev.kade.testing.ShuttleModels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole model loop of issue 20 on a real broker, under exactly_once_v2, with nothing stubbed: a running kade serves
 * a model trained on data A (shuttle); the input shifts to data B (feature 0 moved by {@value #SHIFT_SD} training
 * standard deviations) until {@code kade_drift_score_psi} reaches {@code kade_drift_alert_level} on /metrics;
 * {@code kade train --from-topic --last N} trains a candidate on the recent B records of the input topic; the candidate
 * is renamed into the shadow slot and the watcher pairs it; {@code kade promote} with criteria the candidate meets
 * makes it serve; alerts from then on carry its version; and reading the scores topic read_committed to the end, every
 * input record has exactly one score (none lost, none scored twice across the reloads).
 */
class ModelLoopIT {
    @RegisterExtension
    static final SharedKafka KAFKA = new SharedKafka();

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How far data B moves feature 0, in training standard deviations of that feature. */
    static final double SHIFT_SD = 3.0;
    /** Drift window: small so that the test needs few records (the default 5000 is for production rates). */
    private static final int WINDOW = 500;
    /** The recent B records the candidate is trained on. */
    private static final int TRAIN_LAST = 1200;

    /** What the feeder sends: the training data, the shifted data, the shifted data with every 20th record an anomaly. */
    private enum Phase { A, B, B_WITH_ANOMALIES }

    @Test
    void driftRetrainShadowPromoteAndAlertsCarryTheNewVersionWithoutLosingOrDuplicatingARecord(@TempDir Path dir)
            throws Exception {
        String bootstrap = KAFKA.kafka().bootstrapServers();
        String p = SharedKafka.unique("loop");
        String input = p + "-in";
        ScoringScenario.createTopics(bootstrap, 1, input, p + "-alerts", p + "-scores", p + "-dlq");
        DataSet shuttle = ShuttleModels.shuttle();
        double shift = SHIFT_SD * stdDev(shuttle, 0);
        byte[] a = ShuttleModels.ae();
        Path model = ShuttleModels.write(dir.resolve("model.onnx"),
                ShuttleModels.withMetadata(a, Map.of(ModelContract.KEY_MODEL_VERSION, "model-a")));
        // the shadow slot starts with a copy of A under another version; the candidate replaces it later
        Path shadow = ShuttleModels.write(dir.resolve("shadow.onnx"),
                ShuttleModels.withMetadata(a, Map.of(ModelContract.KEY_MODEL_VERSION, "shadow-a")));

        try (ScoringApp app = ScoringApp.start(ScoringScenario.config(bootstrap, p, model, ProcessingGuarantee.EXACTLY_ONCE_V2,
                Map.of("model.shadow.path", shadow.toString(), "drift.window.records", Integer.toString(WINDOW))))) {
            assertThat(app.awaitReady(Duration.ofSeconds(60))).isTrue();
            String metrics = "http://127.0.0.1:" + app.metricsPort() + "/metrics";
            Feeder feeder = new Feeder(bootstrap, input, shuttle, shift);
            Thread producer = new Thread(feeder, "loop-producer");
            producer.start();
            try {
                // data A: no drift once a window of it is scored
                await().atMost(Duration.ofSeconds(60)).until(() -> app.counts().scored() >= WINDOW + 100);
                double level = metric(metrics, "kade_drift_alert_level");
                assertThat(level).isEqualTo(0.25);
                assertThat(metric(metrics, "kade_drift_score_psi")).as("score PSI on the training data").isLessThan(level);

                // 1. data B: drift is raised (the await fails the test if the score PSI never reaches the level)
                feeder.phase.set(Phase.B);
                long bStart = feeder.sent.get();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                        .until(() -> metric(metrics, "kade_drift_score_psi") >= level);
                System.out.printf(java.util.Locale.ROOT, "[loop] score PSI %.3f (level %.2f) after %d shifted records%n",
                        metric(metrics, "kade_drift_score_psi"), level, feeder.sent.get() - bStart);
                await().atMost(Duration.ofSeconds(60)).until(() -> feeder.sent.get() >= bStart + TRAIN_LAST + 50);
                feeder.pauseAndWait();

                // 2. kade train --from-topic on the recent B records (the producer is held, so the last N are all B)
                Path candidate = dir.resolve("candidate.onnx");
                CliRun train = CliRun.execute("train", "--from-topic", input, "--bootstrap-servers", bootstrap,
                        "--last", Integer.toString(TRAIN_LAST), "--kind", "ae", "--epochs", "15", "--seed", "3",
                        "--model-version", "candidate-b", "--quiet", "--no-report", "--out", candidate.toString());
                assertThat(train.exit()).as(train.err()).isZero();
                assertThat(train.err()).contains(TRAIN_LAST + " records read");
                feeder.phase.set(Phase.B_WITH_ANOMALIES);
                feeder.resume();

                // 3. into the shadow slot by a rename, as the CronJob does; the watcher loads and pairs it
                Files.move(candidate, shadow, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                        .until(() -> body(metrics).contains("version=\"candidate-b\"")
                                && metric(metrics, "kade_shadow_paired_records") >= 300);
                assertThat(lines(metrics, "kade_shadow_info")).contains("version=\"candidate-b\"");

                // 4. promoted by criteria it meets (it was trained on what it now sees, so it would alert little)
                CliRun promote = CliRun.execute("promote", "--model", model.toString(), "--shadow", shadow.toString(),
                        "--metrics-url", metrics, "--min-records", "300", "--min-age", "0s", "--max-alert-rate", "0.2",
                        "--min-rank-correlation", "-1", "--min-alert-overlap", "0", "--wait", "30s");
                assertThat(promote.exit()).as(promote.err()).isZero();
                assertThat(promote.out()).contains("every instance serves candidate-b (was model-a)");
                long promotedAt = feeder.sent.get(); // every record from here on is scored by candidate-b
                assertThat(app.modelVersion()).isEqualTo("candidate-b");

                // 5. keep feeding; then stop and let kade score everything
                long target = promotedAt + 600;
                await().atMost(Duration.ofSeconds(60)).until(() -> app.counts().in() >= target);
                feeder.running.set(false);
                producer.join();
                long total = feeder.sent.get();
                await().atMost(Duration.ofSeconds(60)).until(() -> app.counts().in() == total);

                // alerts after the promotion carry the candidate's version, and there are some
                List<ConsumerRecord<byte[], byte[]>> alerts = ScoringScenario.consume(bootstrap, p + "-alerts",
                        Integer.MAX_VALUE, Duration.ofSeconds(5));
                int after = 0;
                for (ConsumerRecord<byte[], byte[]> r : alerts) {
                    JsonNode alert = JSON.readTree(r.value());
                    long offset = alert.get("source").get("offset").asLong();
                    String version = alert.get("model").get("version").asText();
                    if (offset >= promotedAt) {
                        assertThat(version).as("alert at offset %s", offset).isEqualTo("candidate-b");
                        after++;
                    } else {
                        assertThat(version).as("alert at offset %s", offset).isIn("model-a", "candidate-b");
                    }
                }
                long anomaliesAfter = feeder.anomalyOffsets.stream().filter(o -> o >= promotedAt).count();
                assertThat(anomaliesAfter).isPositive();
                assertThat(after).as("alerts after the promotion").isGreaterThanOrEqualTo((int) anomaliesAfter);

                // not one input record lost or duplicated: exactly one score per record, read_committed to the end
                List<ConsumerRecord<byte[], byte[]>> scores = ScoringScenario.consume(bootstrap, p + "-scores", (int) total,
                        Duration.ofSeconds(60));
                assertThat(scores).hasSize((int) total);
                assertThat(ScoringScenario.keys(scores)).hasSize((int) total);
                assertThat(app.counts().deadLettered()).isZero();
            } finally {
                feeder.running.set(false);
                producer.join();
            }
        }
    }

    /** Streams shuttle rows in the current {@link Phase}, one partition, keys r0, r1, ...; can be held at a flush. */
    private static final class Feeder implements Runnable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicReference<Phase> phase = new AtomicReference<>(Phase.A);
        final AtomicLong sent = new AtomicLong();
        final List<Long> anomalyOffsets = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final AtomicBoolean pause = new AtomicBoolean(false);
        private final AtomicBoolean paused = new AtomicBoolean(false);
        private final String bootstrap;
        private final String topic;
        private final DataSet data;
        private final double shift;

        Feeder(String bootstrap, String topic, DataSet data, double shift) {
            this.bootstrap = bootstrap;
            this.topic = topic;
            this.data = data;
            this.shift = shift;
        }

        void pauseAndWait() {
            pause.set(true);
            await().atMost(Duration.ofSeconds(10)).until(paused::get);
        }

        void resume() {
            pause.set(false);
        }

        @Override
        public void run() {
            Random random = new Random(11);
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
                    Phase now = phase.get();
                    float[] row = data.rows()[random.nextInt(data.size())].clone();
                    if (now != Phase.A) {
                        row[0] += (float) shift;
                    }
                    if (now == Phase.B_WITH_ANOMALIES && i % 20 == 0) {
                        row[0] = 5.0e5f;
                        anomalyOffsets.add(i); // one partition, nothing else written: the offset is the count
                    }
                    out.send(new ProducerRecord<>(topic, ("r" + i).getBytes(StandardCharsets.UTF_8),
                            json(data.features(), row)));
                    sent.incrementAndGet();
                    if (i % 20 == 0) {
                        out.flush();
                        sleep(4);
                    }
                }
                out.flush();
            }
        }
    }

    private static byte[] json(List<String> features, float[] row) {
        StringBuilder b = new StringBuilder("{");
        for (int j = 0; j < features.size(); j++) {
            b.append(j == 0 ? "" : ",").append('"').append(features.get(j)).append("\":").append(row[j]);
        }
        return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static double stdDev(DataSet d, int feature) {
        double sum = 0;
        double sq = 0;
        for (float[] r : d.rows()) {
            sum += r[feature];
            sq += (double) r[feature] * r[feature];
        }
        double mean = sum / d.size();
        return Math.sqrt(Math.max(0, sq / d.size() - mean * mean));
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String body(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String lines(String url, String name) throws IOException, InterruptedException {
        StringBuilder b = new StringBuilder();
        for (String line : body(url).split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }

    /** The value of the one sample named {@code name} on /metrics (kade's instance has one series per name here). */
    private static double metric(String url, String name) throws IOException, InterruptedException {
        String found = lines(url, name).strip();
        assertThat(found).as("%s on /metrics", name).isNotEmpty().doesNotContain("\n");
        return Double.parseDouble(found.substring(found.lastIndexOf(' ') + 1));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
