package dev.kade.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.config.ConfigException;
import dev.kade.config.KadeConfig;
import dev.kade.config.LifecycleKeys;
import dev.kade.features.DataSet;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ModelContract;
import dev.kade.onnx.OnnxModel;
import dev.kade.stream.Batching;
import dev.kade.stream.ModelRegistry;
import dev.kade.stream.ScoringTopology;
import dev.kade.stream.TopologyConfig;
import dev.kade.testing.ShuttleModels;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An empty shadow slot ({@code model.shadow.path} set, file not written yet, as on a fresh Kubernetes install before
 * the first retrain) is a normal state: kade starts and scores without a shadow, and loads the shadow when the file
 * appears; a file that is there but bad is refused exactly as before.
 */
class EmptyShadowSlotTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final int N = 600;

    @TempDir
    Path dir;

    private KadeConfig config(Path model, Path shadow) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KadeConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1");
        m.put(KadeConfig.INPUT_TOPICS, "metrics");
        m.put(KadeConfig.MODEL_PATH, model.toString());
        m.put(KadeConfig.METRICS_PORT, "0");
        m.put(KadeConfig.MODEL_POLL_INTERVAL_MS, Long.toString(Duration.ofHours(1).toMillis()));
        m.put(KadeConfig.SHUTDOWN_TIMEOUT_MS, "2000");
        m.put("scores.topic", "kade-scores");
        m.put(LifecycleKeys.MODEL_SHADOW_PATH, shadow.toString());
        return KadeConfig.fromMap(m);
    }

    @Test
    void kadeStartsWithAnEmptyShadowSlot() {
        Path model = ShuttleModels.write(dir.resolve("model.onnx"), ShuttleModels.ae());
        Path shadow = dir.resolve("not-yet").resolve("shadow.onnx");
        try (ScoringApp app = ScoringApp.start(config(model, shadow))) {
            assertThat(app.startFailure()).isEmpty();
            assertThat(app.modelVersion()).isEqualTo(ShuttleModels.metadata(ShuttleModels.ae()).get(ModelContract.KEY_MODEL_VERSION));
            assertThat(app.meters().scrape()).contains("kade_shadow_loaded{application=\"kade\"} 0.0")
                    .contains("kade_shadow_loads_total{application=\"kade\",result=\"success\"} 0.0")
                    .contains("kade_shadow_loads_total{application=\"kade\",result=\"failure\"} 0.0")
                    .doesNotContain("kade_shadow_info");
        }
    }

    @Test
    void emptySlotScoresWithoutPairingThenLoadsAndPairsWhenTheFileAppears() {
        Path model = ShuttleModels.write(dir.resolve("model.onnx"), ShuttleModels.ae());
        Path shadowFile = dir.resolve("shadow.onnx");
        KadeConfig config = config(model, shadowFile);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KadeMetrics metrics = new KadeMetrics("kade");
        metrics.bindTo(meters);
        try (ModelRegistry serving = ModelRegistry.of(OnnxModel.load(model));
             ShadowSlot shadow = ShadowSlot.open(config, serving, metrics).orElseThrow()) {
            metrics.modelServing(serving.metadata(), NOW);
            assertThat(shadow.registry().loaded()).isFalse();
            TopologyConfig topology = new TopologyConfig(StreamsSetup.topics(config), 3, Clock.fixed(NOW, ZoneOffset.UTC),
                    new Batching(64, Duration.ofMillis(5)));
            try (TopologyTestDriver driver = new TopologyTestDriver(ScoringTopology.build(topology, serving,
                    Optional.of(shadow.registry()), metrics), StreamsSetup.properties(config, metrics))) {
                TestInputTopic<byte[], byte[]> in = driver.createInputTopic("metrics", new ByteArraySerializer(), new ByteArraySerializer());
                TestOutputTopic<byte[], byte[]> scores = driver.createOutputTopic("kade-scores", new ByteArrayDeserializer(),
                        new ByteArrayDeserializer());
                pipe(in, serving.metadata().features(), 0);
                driver.advanceWallClockTime(Duration.ofSeconds(1));
                assertThat(scores.getQueueSize()).as("the serving model scores as usual").isEqualTo(N);
                String empty = meters.scrape();
                assertThat(value(empty, "kade_records_scored_total{application=\"kade\"}")).isEqualTo(N);
                assertThat(value(empty, "kade_shadow_loaded{application=\"kade\"}")).isZero();
                assertThat(value(empty, "kade_shadow_records_scored_total{application=\"kade\"}")).as("nothing pairs").isZero();
                assertThat(value(empty, "kade_shadow_failures_total{application=\"kade\"}")).as("an empty slot is no failure").isZero();
                assertThat(empty).doesNotContain("kade_shadow_info");

                assertThat(shadow.watcher().checkNow()).as("still no file").isEqualTo(ModelWatcher.Outcome.UNCHANGED);
                ShuttleModels.write(shadowFile, ShuttleModels.withMetadata(ShuttleModels.otherAe(),
                        Map.of(ModelContract.KEY_MODEL_VERSION, "candidate-1")));
                assertThat(shadow.watcher().checkNow()).isEqualTo(ModelWatcher.Outcome.SWAPPED);
                assertThat(shadow.registry().metadata().version()).isEqualTo("candidate-1");

                pipe(in, serving.metadata().features(), N);
                driver.advanceWallClockTime(Duration.ofSeconds(1));
                String loaded = meters.scrape();
                assertThat(value(loaded, "kade_records_scored_total{application=\"kade\"}")).isEqualTo(2 * N);
                assertThat(value(loaded, "kade_shadow_loaded{application=\"kade\"}")).isEqualTo(1);
                assertThat(value(loaded, "kade_shadow_loads_total{application=\"kade\",result=\"success\"}")).isEqualTo(1);
                assertThat(value(loaded, "kade_shadow_records_scored_total{application=\"kade\"}"))
                        .as("the records after the load pair").isEqualTo(N);
                assertThat(value(loaded, "kade_shadow_paired_records{application=\"kade\"}")).isEqualTo(N);
                assertThat(value(loaded, "kade_shadow_rank_correlation{application=\"kade\"}")).isGreaterThan(0.5);
                assertThat(value(loaded, "kade_shadow_failures_total{application=\"kade\"}")).isZero();
                assertThat(loaded).contains("kade_shadow_info{application=\"kade\",kind=\"ae\",version=\"candidate-1\"} 1");

                Files.delete(shadowFile);
                assertThat(shadow.watcher().checkNow()).as("a deleted shadow file is one being replaced")
                        .isEqualTo(ModelWatcher.Outcome.UNCHANGED);
                assertThat(shadow.registry().metadata().version()).as("the last shadow goes on").isEqualTo("candidate-1");
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aBadFileInTheEmptySlotIsRefusedAndCountedThenAGoodOneLoads() throws IOException {
        Path model = ShuttleModels.write(dir.resolve("model.onnx"), ShuttleModels.ae());
        Path shadowFile = dir.resolve("shadow.onnx");
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KadeMetrics metrics = new KadeMetrics("kade");
        metrics.bindTo(meters);
        try (ModelRegistry serving = ModelRegistry.of(OnnxModel.load(model));
             ShadowSlot shadow = ShadowSlot.open(config(model, shadowFile), serving, metrics).orElseThrow()) {
            Files.write(shadowFile, new byte[0]);
            assertThat(shadow.watcher().checkNow()).as("an empty file is not an absent one").isEqualTo(ModelWatcher.Outcome.REFUSED);
            ShuttleModels.write(shadowFile, ShuttleModels.withMetadata(ShuttleModels.ae(), Map.of(ModelContract.KEY_THRESHOLD, "1.0E30")));
            assertThat(shadow.watcher().checkNow()).isEqualTo(ModelWatcher.Outcome.REFUSED);
            assertThat(shadow.watcher().lastRefusal()).hasValueSatisfying(why -> assertThat(why).contains("outside the stored score range"));
            assertThat(shadow.registry().loaded()).as("the slot stays empty").isFalse();
            String refused = meters.scrape();
            assertThat(value(refused, "kade_shadow_loads_total{application=\"kade\",result=\"failure\"}")).isEqualTo(2);
            assertThat(value(refused, "kade_shadow_loaded{application=\"kade\"}")).isZero();
            assertThat(value(refused, "kade_model_loads_total{application=\"kade\",result=\"failure\"}")).isZero();

            ShuttleModels.write(shadowFile, ShuttleModels.otherAe());
            assertThat(shadow.watcher().checkNow()).isEqualTo(ModelWatcher.Outcome.SWAPPED);
            assertThat(value(meters.scrape(), "kade_shadow_loaded{application=\"kade\"}")).isEqualTo(1);
        }
    }

    @Test
    void aBadFilePresentAtStartIsStillRefusedNamingTheSetting() throws IOException {
        Path model = ShuttleModels.write(dir.resolve("model.onnx"), ShuttleModels.ae());
        Path garbage = Files.writeString(dir.resolve("garbage.onnx"), "not an onnx model");
        Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
        Path directory = Files.createDirectory(dir.resolve("dir.onnx"));
        for (Path bad : List.of(garbage, empty, directory)) {
            assertThatThrownBy(() -> ScoringApp.start(config(model, bad)).close()).as(bad.toString())
                    .isInstanceOf(ConfigException.class).hasMessageContaining(bad.toString())
                    .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(LifecycleKeys.MODEL_SHADOW_PATH));
        }
    }

    private static void pipe(TestInputTopic<byte[], byte[]> in, List<String> features, int from) {
        DataSet shuttle = ShuttleModels.shuttle();
        for (int i = from; i < from + N; i++) {
            float[] row = shuttle.rows()[i % shuttle.size()];
            StringBuilder b = new StringBuilder("{");
            for (int j = 0; j < features.size(); j++) {
                b.append(j == 0 ? "" : ",").append('"').append(features.get(j)).append("\":").append(row[j] + (j == 0 && i % 40 == 0 ? 500 : 0));
            }
            in.pipeInput(("k" + i).getBytes(StandardCharsets.UTF_8), b.append('}').toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + series + " in\n" + scrape));
    }
}
