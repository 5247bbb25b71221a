package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.StreamsSetup;
import dev.kade.config.ConfigException;
import dev.kade.config.KadeConfig;
import dev.kade.config.LifecycleKeys;
import dev.kade.drift.ShadowAgreement;
import dev.kade.features.DataSet;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ModelContract;
import dev.kade.onnx.OnnxModel;
import dev.kade.testing.ShuttleModels;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code model.shadow.scores.topic} in the real topology ({@link TopologyTestDriver}, ONNX Runtime): one shadow score
 * record per record the serving model scored, with the shadow's score, verdict and version and the input's key and
 * source; none for a dead-lettered record; a shadow record over {@code output.max.bytes} is left out and counted, never
 * costing the serving model's outputs.
 */
class ShadowScoresTopicTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final int N = 600;

    @TempDir
    Path dir;

    private record Run(List<TestRecord<byte[], byte[]>> scores, List<TestRecord<byte[], byte[]>> shadowScores, long alerts,
                       long deadLetters, String scrape) {
    }

    private Run run(String shadowVersion, Map<String, String> extra, byte[] bigKey) {
        DataSet shuttle = ShuttleModels.shuttle();
        Map<String, String> settings = new HashMap<>(Map.of("bootstrap.servers", "unused:9092", "input.topics", "metrics",
                "model.path", dir.resolve("model.onnx").toString(), "scores.topic", "kade-scores",
                LifecycleKeys.MODEL_SHADOW_PATH, dir.resolve("shadow.onnx").toString(),
                LifecycleKeys.MODEL_SHADOW_SCORES_TOPIC, "kade-shadow-scores", "batch.max.records", "64"));
        settings.putAll(extra);
        KadeConfig config = KadeConfig.fromMap(settings);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KadeMetrics metrics = new KadeMetrics("kade");
        metrics.bindTo(meters);
        OnnxModel champion = OnnxModel.load(ShuttleModels.write(dir.resolve("model.onnx"), ShuttleModels.ae()));
        OnnxModel shadow = OnnxModel.load(ShuttleModels.write(dir.resolve("shadow.onnx"), ShuttleModels.withMetadata(
                ShuttleModels.otherAe(), Map.of(ModelContract.KEY_MODEL_VERSION, shadowVersion))));
        metrics.modelServing(champion.metadata(), NOW);
        metrics.attachShadow(new ShadowAgreement(5000));
        metrics.shadowServing(shadow.metadata(), NOW);
        try (ModelRegistry models = ModelRegistry.of(champion); ModelRegistry shadows = ModelRegistry.of(shadow);
             TopologyTestDriver driver = new TopologyTestDriver(ScoringTopology.build(StreamsSetup.topology(config), models,
                     new ShadowSetup(shadows, Optional.of("kade-shadow-scores")), metrics), StreamsSetup.properties(config, metrics))) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic("metrics", new ByteArraySerializer(), new ByteArraySerializer());
            List<String> features = champion.metadata().features();
            for (int i = 0; i < N; i++) {
                byte[] key = i == 7 && bigKey != null ? bigKey : ("k" + i).getBytes(StandardCharsets.UTF_8);
                in.pipeInput(key, json(features, shuttle.rows()[i % shuttle.size()], i % 40 == 0 ? 500 : 0));
            }
            in.pipeInput("bad".getBytes(StandardCharsets.UTF_8), "{".getBytes(StandardCharsets.UTF_8));
            driver.advanceWallClockTime(Duration.ofSeconds(1));
            return new Run(out(driver, "kade-scores").readRecordsToList(), out(driver, "kade-shadow-scores").readRecordsToList(),
                    out(driver, "kade-alerts").getQueueSize(), out(driver, "kade-dead-letters").getQueueSize(), meters.scrape());
        }
    }

    private static TestOutputTopic<byte[], byte[]> out(TopologyTestDriver driver, String topic) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Test
    void everyScoredRecordGetsTheShadowsScoreRecordWithItsVersionAndNoneIsAnAlert() throws Exception {
        Run r = run("challenger-7", Map.of(), null);
        assertThat(r.scores()).hasSize(N);
        assertThat(r.shadowScores()).as("one per record the serving model scored; the dead-lettered one has none").hasSize(N);
        assertThat(r.deadLetters()).isEqualTo(1);
        int shadowAnomalies = 0;
        int differentScores = 0;
        for (int i = 0; i < N; i++) {
            TestRecord<byte[], byte[]> champion = r.scores().get(i);
            TestRecord<byte[], byte[]> shadow = r.shadowScores().get(i);
            assertThat(shadow.key()).isEqualTo(champion.key()).isEqualTo(("k" + i).getBytes(StandardCharsets.UTF_8));
            JsonNode c = JSON.readTree(champion.value());
            JsonNode s = JSON.readTree(shadow.value());
            assertThat(s.path("model_version").asText()).isEqualTo("challenger-7");
            assertThat(c.path("model_version").asText()).isNotEqualTo("challenger-7");
            assertThat(s.path("source")).as("the input's topic, partition and offset").isEqualTo(c.path("source"));
            assertThat(s.path("anomaly").asBoolean()).isEqualTo(s.path("score").asDouble() >= s.path("threshold").asDouble());
            shadowAnomalies += s.path("anomaly").asBoolean() ? 1 : 0;
            differentScores += s.path("score").asDouble() != c.path("score").asDouble() ? 1 : 0;
        }
        assertThat(differentScores).as("another model's scores").isGreaterThan(N / 2);
        assertThat(shadowAnomalies).as("the shadow's would-be alerts, as counted in its metric")
                .isEqualTo((int) value(r.scrape(), "kade_shadow_alerts_total{application=\"kade\",model=\"shadow\"}"))
                .isGreaterThanOrEqualTo(N / 40);
        assertThat(r.alerts()).as("alerts are the serving model's only")
                .isEqualTo((long) value(r.scrape(), "kade_anomalies_total{application=\"kade\"}"));
    }

    @Test
    void aShadowRecordOverOutputMaxBytesIsLeftOutAndCountedAndTheServingModelsRecordStillGoes() {
        // the shadow's version is long: with a 1500-byte key its score record is over 4096 bytes, the champion's is not
        String longVersion = "challenger-" + "v".repeat(2800);
        byte[] bigKey = "K".repeat(1500).getBytes(StandardCharsets.UTF_8);
        Run r = run(longVersion, Map.of("output.max.bytes", "4096"), bigKey);
        assertThat(r.scores()).hasSize(N);
        assertThat(r.deadLetters()).as("the input was scored: never dead-lettered on the shadow's account").isEqualTo(1);
        List<byte[]> shadowKeys = new ArrayList<>();
        r.shadowScores().forEach(t -> shadowKeys.add(t.key()));
        assertThat(r.shadowScores()).hasSize(N - 1);
        assertThat(shadowKeys).noneMatch(k -> k.length == bigKey.length);
        assertThat(r.shadowScores()).allSatisfy(t -> assertThat(t.key().length + t.value().length).isLessThanOrEqualTo(4096));
        assertThat(value(r.scrape(), "kade_shadow_failures_total{application=\"kade\"}")).isEqualTo(1);
    }

    @Test
    void aShadowScoresTopicWithoutAShadowOrOnAnotherOfKadesTopicsFailsNamingTheSetting() {
        Map<String, String> base = Map.of("bootstrap.servers", "unused:9092", "input.topics", "metrics",
                "model.path", "model.onnx", "scores.topic", "kade-scores");
        Map<String, String> noShadow = new HashMap<>(base);
        noShadow.put(LifecycleKeys.MODEL_SHADOW_SCORES_TOPIC, "kade-shadow-scores");
        assertThatThrownBy(() -> KadeConfig.fromMap(noShadow)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(LifecycleKeys.MODEL_SHADOW_SCORES_TOPIC).hasMessageContaining(LifecycleKeys.MODEL_SHADOW_PATH);
        for (String taken : List.of("metrics", "kade-scores")) {
            Map<String, String> clash = new HashMap<>(base);
            clash.put(LifecycleKeys.MODEL_SHADOW_PATH, "shadow.onnx");
            clash.put(LifecycleKeys.MODEL_SHADOW_SCORES_TOPIC, taken);
            assertThatThrownBy(() -> KadeConfig.fromMap(clash)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(LifecycleKeys.MODEL_SHADOW_SCORES_TOPIC).hasMessageContaining(taken);
        }
    }

    private static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + series + " in\n" + scrape));
    }

    private static byte[] json(List<String> features, float[] row, double shiftFirst) {
        StringBuilder b = new StringBuilder("{");
        for (int j = 0; j < features.size(); j++) {
            b.append(j == 0 ? "" : ",").append('"').append(features.get(j)).append("\":").append(row[j] + (j == 0 ? shiftFirst : 0));
        }
        return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }
}
