package dev.kade.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.config.ConfigException;
import dev.kade.config.KadeConfig;
import dev.kade.config.LifecycleKeys;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ModelContract;
import dev.kade.onnx.OnnxModel;
import dev.kade.stream.ModelRegistry;
import dev.kade.testing.ShuttleModels;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shadow model is held to what the serving model is held to: a lying shadow is refused at start naming
 * model.shadow.path (and kade does not start), and on hot reload (the previous shadow goes on); a good one is swapped in.
 */
class ShadowSlotTest {
    @TempDir
    Path dir;

    static Stream<Arguments> lies() {
        return Stream.of(
                Arguments.of("threshold 1e30", (Supplier<byte[]>) () -> ShuttleModels.withMetadata(ShuttleModels.ae(),
                        Map.of(ModelContract.KEY_THRESHOLD, "1.0E30")), "outside the stored score range"),
                Arguments.of("kind=vae on an AE", (Supplier<byte[]>) () -> ShuttleModels.withMetadata(ShuttleModels.ae(),
                        Map.of(ModelContract.KEY_KIND, "vae")), "the graph is not a VAE"),
                Arguments.of("metadata of another AE on this graph", (Supplier<byte[]>) () -> ShuttleModels.withMetadata(
                        ShuttleModels.ae(), new HashMap<>(ShuttleModels.metadata(ShuttleModels.otherAe()))),
                        "the metadata does not belong to this graph"));
    }

    private KadeConfig config(Path model, Path shadow) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KadeConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1");
        m.put(KadeConfig.INPUT_TOPICS, "in");
        m.put(KadeConfig.MODEL_PATH, model.toString());
        m.put(KadeConfig.METRICS_PORT, "0");
        m.put(KadeConfig.MODEL_POLL_INTERVAL_MS, Long.toString(Duration.ofHours(1).toMillis()));
        m.put(KadeConfig.SHUTDOWN_TIMEOUT_MS, "2000");
        m.put(LifecycleKeys.MODEL_SHADOW_PATH, shadow.toString());
        return KadeConfig.fromMap(m);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lies")
    void lyingShadowStopsKadeAtStartNamingTheSetting(String name, Supplier<byte[]> lie, String reason) {
        Path model = ShuttleModels.write(dir.resolve("model.onnx"), ShuttleModels.ae());
        Path shadow = ShuttleModels.write(dir.resolve("shadow.onnx"), lie.get());
        assertThatThrownBy(() -> ScoringApp.start(config(model, shadow)).close())
                .isInstanceOf(ConfigException.class).hasMessageContaining(reason)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(LifecycleKeys.MODEL_SHADOW_PATH));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lies")
    void lyingShadowIsRefusedOnReloadAndTheGoodOneGoesOn(String name, Supplier<byte[]> lie, String reason) {
        Path model = ShuttleModels.write(dir.resolve("model.onnx"), ShuttleModels.ae());
        Path shadowFile = ShuttleModels.write(dir.resolve("shadow.onnx"),
                ShuttleModels.withMetadata(ShuttleModels.otherAe(), Map.of(ModelContract.KEY_MODEL_VERSION, "challenger-1")));
        KadeConfig config = config(model, shadowFile);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KadeMetrics metrics = new KadeMetrics("kade-test");
        metrics.bindTo(meters);
        try (ModelRegistry serving = ModelRegistry.of(OnnxModel.load(model));
             ShadowSlot shadow = ShadowSlot.open(config, serving, metrics).orElseThrow()) {
            assertThat(shadow.registry().metadata().version()).isEqualTo("challenger-1");
            assertThat(meters.scrape()).contains("kade_shadow_info{application=\"kade-test\",kind=\"ae\",version=\"challenger-1\"} 1")
                    .contains("kade_shadow_loads_total{application=\"kade-test\",result=\"success\"} 1.0");

            ShuttleModels.write(shadowFile, lie.get());
            assertThat(shadow.watcher().checkNow()).isEqualTo(ModelWatcher.Outcome.REFUSED);
            assertThat(shadow.watcher().lastRefusal()).hasValueSatisfying(why -> assertThat(why).contains(reason));
            assertThat(shadow.registry().metadata().version()).isEqualTo("challenger-1");
            assertThat(meters.scrape()).contains("kade_shadow_loads_total{application=\"kade-test\",result=\"failure\"} 1.0")
                    .as("the serving model's load counter is not the shadow's")
                    .contains("kade_model_loads_total{application=\"kade-test\",result=\"failure\"} 0.0");

            ShuttleModels.write(shadowFile, ShuttleModels.withMetadata(ShuttleModels.otherAe(),
                    Map.of(ModelContract.KEY_MODEL_VERSION, "challenger-2")));
            assertThat(shadow.watcher().checkNow()).isEqualTo(ModelWatcher.Outcome.SWAPPED);
            assertThat(shadow.registry().metadata().version()).isEqualTo("challenger-2");
            assertThat(serving.metadata().version()).as("the serving model is untouched").isNotEqualTo("challenger-2");
            assertThat(meters.scrape()).contains("version=\"challenger-2\"").doesNotContain("version=\"challenger-1\"");
        }
    }

    @Test
    void noShadowSettingNoShadow() {
        Path model = ShuttleModels.write(dir.resolve("model.onnx"), ShuttleModels.ae());
        Map<String, String> m = new LinkedHashMap<>(Map.of(KadeConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1",
                KadeConfig.INPUT_TOPICS, "in", KadeConfig.MODEL_PATH, model.toString()));
        KadeMetrics metrics = new KadeMetrics("kade-test");
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics.bindTo(meters);
        try (ModelRegistry serving = ModelRegistry.of(OnnxModel.load(model))) {
            assertThat(ShadowSlot.open(KadeConfig.fromMap(m), serving, metrics)).isEmpty();
        }
        // the meters exist (the dashboard and rules read "no shadow"), but nothing is loaded, paired or named
        assertThat(meters.scrape()).contains("kade_shadow_loaded{application=\"kade-test\"} 0.0")
                .contains("kade_shadow_records_scored_total{application=\"kade-test\"} 0.0")
                .contains("kade_shadow_rank_correlation{application=\"kade-test\"} NaN")
                .doesNotContain("kade_shadow_info");
    }
}
