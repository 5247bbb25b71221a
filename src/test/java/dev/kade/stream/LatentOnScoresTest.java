package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.ModelLoader;
import dev.kade.app.ModelWatcher;
import dev.kade.app.ScoringApp;
import dev.kade.app.StreamsSetup;
import dev.kade.config.ConfigException;
import dev.kade.config.KadeConfig;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ModelContract;
import dev.kade.model.ServableModel;
import dev.kade.onnx.OnnxModel;
import dev.kade.testing.ShuttleModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scores.include.latent}: the code on the scores topic, and the models that cannot give one refused. */
class LatentOnScoresTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void scoresCarryTheModelsLatentCodeWhenAskedAndOnlyThen() throws Exception {
        Path file = ShuttleModels.write(dir.resolve("model.onnx"), ShuttleModels.vae());
        float[][] rows = ShuttleModels.shuttle().rows();
        List<String> features = ShuttleModels.shuttle().features();
        try (OnnxModel model = OnnxModel.load(file)) {
            int l = model.latentWidth();
            assertThat(l).isPositive();
            for (boolean include : new boolean[] {true, false}) {
                KadeConfig config = OfflineConfig.of(file, Map.of(KadeConfig.SCORES_TOPIC, "scores",
                        KadeConfig.SCORES_INCLUDE_LATENT, Boolean.toString(include)));
                assertThat(StreamsSetup.topology(config).includeLatent()).isEqualTo(include);
                List<JsonNode> scores = run(config, model, features, rows, 40);
                assertThat(scores).hasSize(40);
                if (!include) {
                    assertThat(scores).allSatisfy(s -> assertThat(s.has("latent")).isFalse());
                    continue;
                }
                float[][] expected = model.latent(java.util.Arrays.copyOf(rows, 40));
                for (int i = 0; i < 40; i++) {
                    JsonNode code = scores.get(i).get("latent");
                    assertThat(code.isArray()).isTrue();
                    assertThat(code.size()).isEqualTo(l);
                    for (int k = 0; k < l; k++) {
                        assertThat(code.get(k).asDouble()).isCloseTo(expected[i][k], within(1e-6 * Math.max(1, Math.abs(expected[i][k]))));
                    }
                    // the field sits before source, after the unchanged fields
                    assertThat(scores.get(i).fieldNames()).toIterable().containsExactly("score", "threshold", "anomaly",
                            "percentile", "model_version", "latent", "source");
                }
            }
        }
    }

    @Test
    void settingWithoutScoresTopicFailsNamingIt() {
        assertThatThrownBy(() -> OfflineConfig.of(dir.resolve("m.onnx"), Map.of(KadeConfig.SCORES_INCLUDE_LATENT, "true")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(KadeConfig.SCORES_INCLUDE_LATENT))
                .hasMessageContaining(KadeConfig.SCORES_TOPIC);
    }

    @Test
    void modelWithoutLatentStopsStartNamingTheSetting() {
        Path file = ShuttleModels.write(dir.resolve("model.onnx"), ShuttleModels.withoutOptionalOutputs(ShuttleModels.ae()));
        KadeConfig config = OfflineConfig.of(file, Map.of(KadeConfig.SCORES_TOPIC, "scores", KadeConfig.SCORES_INCLUDE_LATENT, "true"));
        assertThatThrownBy(() -> ScoringApp.start(config).close())
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(KadeConfig.SCORES_INCLUDE_LATENT))
                .hasMessageContaining("has no 'latent' output");
        // the same model serves when the setting is off
        try (OnnxModel m = ModelLoader.load(OfflineConfig.of(file, Map.of(KadeConfig.SCORES_TOPIC, "scores")), file)) {
            assertThat(m.latentWidth()).isZero();
        }
    }

    @Test
    void hotReloadToAModelWithoutLatentIsRefusedAndTheOldModelKeepsServing() {
        Path file = ShuttleModels.write(dir.resolve("model.onnx"), ShuttleModels.ae());
        KadeConfig config = OfflineConfig.of(file, Map.of(KadeConfig.SCORES_TOPIC, "scores", KadeConfig.SCORES_INCLUDE_LATENT, "true"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        KadeMetrics metrics = new KadeMetrics("kade-test");
        metrics.bindTo(meters);
        OnnxModel first = ModelLoader.load(config, file);
        String serving = first.metadata().version();
        try (ModelRegistry registry = ModelRegistry.of(first);
             ModelWatcher watcher = new ModelWatcher(file, registry, metrics, p -> ModelLoader.load(config, p), Clock.systemUTC(), config.modelMaxBytes())) {
            ShuttleModels.write(file, ShuttleModels.withMetadata(ShuttleModels.withoutOptionalOutputs(ShuttleModels.ae()),
                    Map.of(ModelContract.KEY_MODEL_VERSION, "no-latent")));
            assertThat(watcher.checkNow()).isEqualTo(ModelWatcher.Outcome.REFUSED);
            assertThat(watcher.lastRefusal()).hasValueSatisfying(why -> assertThat(why).contains("has no 'latent' output")
                    .contains(KadeConfig.SCORES_INCLUDE_LATENT));
            assertThat(registry.metadata().version()).isEqualTo(serving);
            assertThat(meters.get(KadeMetrics.MODEL_LOADS).tag("result", "failure").counter().count()).isEqualTo(1.0);

            // a model with the output is taken
            ShuttleModels.write(file, ShuttleModels.withMetadata(ShuttleModels.ae(), Map.of(ModelContract.KEY_MODEL_VERSION, "v2")));
            assertThat(watcher.checkNow()).isEqualTo(ModelWatcher.Outcome.SWAPPED);
            assertThat(registry.metadata().version()).isEqualTo("v2");
        }
    }

    private static List<JsonNode> run(KadeConfig config, OnnxModel model, List<String> features, float[][] rows, int n)
            throws Exception {
        KadeMetrics metrics = new KadeMetrics("kade");
        metrics.bindTo(new SimpleMeterRegistry());
        TopologyConfig topology = StreamsSetup.topology(config).withBatching(new Batching(16, Duration.ofSeconds(5)));
        ModelRegistry registry = new ModelRegistry(ServableModel.unowned(model)); // the test closes the model
        try (TopologyTestDriver driver = new TopologyTestDriver(ScoringTopology.build(topology, registry, metrics),
                StreamsSetup.properties(config))) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic("in", new ByteArraySerializer(), new ByteArraySerializer());
            TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic("scores", new ByteArrayDeserializer(), new ByteArrayDeserializer());
            for (int i = 0; i < n; i++) {
                StringBuilder json = new StringBuilder("{");
                for (int j = 0; j < features.size(); j++) {
                    json.append(j == 0 ? "" : ",").append('"').append(features.get(j)).append("\":").append(rows[i][j]);
                }
                in.pipeInput(("k" + i).getBytes(StandardCharsets.UTF_8), json.append('}').toString().getBytes(StandardCharsets.UTF_8));
            }
            driver.advanceWallClockTime(Duration.ofSeconds(10));
            List<JsonNode> got = new java.util.ArrayList<>();
            for (byte[] v : out.readValuesToList()) {
                got.add(JSON.readTree(v));
            }
            return got;
        }
    }
}
