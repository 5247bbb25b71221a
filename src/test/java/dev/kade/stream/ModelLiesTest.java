package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kade.app.ModelLoader;
import dev.kade.app.ModelWatcher;
import dev.kade.app.ScoringApp;
import dev.kade.cli.Main;
import dev.kade.config.ConfigException;
import dev.kade.config.KadeConfig;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelMetadata;
import dev.kade.onnx.OnnxModel;
import dev.kade.testing.ShuttleModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each lie of issue 9 ("hot reload accepts models whose metadata lies") on a real model kade trained on
 * shuttle and real ONNX Runtime: refused at start (exit 2 naming {@code model.path}) and on hot reload
 * (the old model keeps serving, the failure is counted).
 */
class ModelLiesTest {
    @TempDir
    Path dir;

    /** A lying model: the bytes, what the refusal must say, and the settings it is served under. */
    record Lie(String name, Supplier<byte[]> onnx, String reason, Map<String, String> settings) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> lies() {
        return Stream.of(
                lie("threshold -1", edit(ShuttleModels::ae, ModelContract.KEY_THRESHOLD, "-1.0"),
                        "outside the stored score range", Map.of()),
                lie("threshold 1e30", edit(ShuttleModels::ae, ModelContract.KEY_THRESHOLD, "1.0E30"),
                        "outside the stored score range", Map.of()),
                lie("threshold at the stored minimum", () -> {
                    byte[] ae = ShuttleModels.ae();
                    return edit(() -> ae, ModelContract.KEY_THRESHOLD, Double.toString(quantiles(ae)[0])).get();
                }, "below the median", Map.of()),
                lie("kind=vae on an AE", edit(ShuttleModels::ae, ModelContract.KEY_KIND, "vae"), "the graph is not a VAE", Map.of()),
                lie("kind=ae on a VAE", edit(ShuttleModels::vae, ModelContract.KEY_KIND, "ae"), "the graph is not an AE", Map.of()),
                lie("quantiles scaled x10", () -> scaledQuantiles(ShuttleModels.ae(), 10), "do not describe this model's scores", Map.of()),
                lie("quantiles scaled x0.5", () -> scaledQuantiles(ShuttleModels.ae(), 0.5), "do not describe this model's scores", Map.of()),
                lie("metadata of another AE on this graph", () -> {
                    byte[] graph = ShuttleModels.ae();
                    Map<String, String> other = new HashMap<>(ShuttleModels.metadata(ShuttleModels.otherAe()));
                    return ShuttleModels.withMetadata(graph, other);
                }, "the metadata does not belong to this graph", Map.of()),
                lie("model for another data set, relabelled, fingerprint pinned", ShuttleModels::relabelled,
                        "model.require.fingerprint", Map.of(KadeConfig.MODEL_REQUIRE_FINGERPRINT, shuttleFingerprint())));
    }

    private static Arguments lie(String name, Supplier<byte[]> onnx, String reason, Map<String, String> settings) {
        return Arguments.of(new Lie(name, onnx, reason, settings));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lies")
    void lyingModelIsRefusedAtStartNamingModelPath(Lie lie) {
        Path file = ShuttleModels.write(dir.resolve("model.onnx"), lie.onnx().get());
        KadeConfig config = OfflineConfig.of(file, lie.settings());

        assertThatThrownBy(() -> ScoringApp.start(config).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(lie.reason())
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(KadeConfig.MODEL_PATH));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lies")
    void lyingModelIsRefusedOnHotReloadAndTheOldModelKeepsServing(Lie lie) {
        Path file = ShuttleModels.write(dir.resolve("model.onnx"), ShuttleModels.ae());
        KadeConfig config = OfflineConfig.of(file, lie.settings());
        Served s = serve(config);
        String serving = s.registry.metadata().version();

        ShuttleModels.write(file, lie.onnx().get());
        assertThat(s.watcher.checkNow()).isEqualTo(ModelWatcher.Outcome.REFUSED);

        assertThat(s.watcher.lastRefusal()).hasValueSatisfying(why -> assertThat(why).contains(lie.reason()));
        assertThat(s.registry.metadata().version()).isEqualTo(serving);
        assertThat(s.failures()).isEqualTo(1.0);
        // the old model still scores
        try (ModelRegistry.Lease lease = s.registry.acquire()) {
            float[][] probe = lease.model().metadata().probe().orElseThrow().rows();
            assertThat(lease.model().scorer().score(probe).score()).hasSize(probe.length);
        }

        // and the watcher still takes a good model afterwards
        ShuttleModels.write(file, ShuttleModels.withMetadata(ShuttleModels.ae(), Map.of(ModelContract.KEY_MODEL_VERSION, "ae-v2")));
        assertThat(s.watcher.checkNow()).isEqualTo(ModelWatcher.Outcome.SWAPPED);
        assertThat(s.registry.metadata().version()).isEqualTo("ae-v2");
        s.close();
    }

    @Test
    void lyingModelMakesKadeRunExitTwoNamingModelPath() {
        Path file = ShuttleModels.write(dir.resolve("model.onnx"),
                edit(ShuttleModels::ae, ModelContract.KEY_THRESHOLD, "1.0E30").get());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int exit;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            // a model accepted by mistake would make kade run wait for Kafka forever: fail instead of hanging
            exit = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Main.commandLine().execute("run",
                    "--bootstrap-servers", "127.0.0.1:1", "--input-topics", "in", "--model", file.toString(),
                    "--metrics-port", "0"));
        } finally {
            System.setErr(original);
        }
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(KadeConfig.MODEL_PATH + ":").contains("kade.threshold=1.0E30");
    }

    @Test
    void relabelledModelForAnotherDataSetIsRefusedOnReloadWithoutPinningBecauseItCallsServedDataAnomalous() {
        Path file = ShuttleModels.write(dir.resolve("model.onnx"), ShuttleModels.ae());
        Served s = serve(OfflineConfig.of(file, Map.of()));

        ShuttleModels.write(file, ShuttleModels.relabelled());
        assertThat(s.watcher.checkNow()).isEqualTo(ModelWatcher.Outcome.REFUSED);

        assertThat(s.watcher.lastRefusal()).hasValueSatisfying(why -> assertThat(why)
                .contains("of the serving model's " + s.registry.metadata().probe().orElseThrow().size() + " probe rows")
                .contains("trained on other data"));
        assertThat(s.failures()).isEqualTo(1.0);
        s.close();
    }

    @Test
    void relabelledModelAtStartIsCaughtOnlyByFingerprintPinning() {
        // with nothing serving yet there is no served data to compare with: the model's own probe,
        // quantiles and threshold are honest, so only the pinned fingerprint tells it apart
        Path file = ShuttleModels.write(dir.resolve("model.onnx"), ShuttleModels.relabelled());
        try (OnnxModel unpinned = ModelLoader.load(OfflineConfig.of(file, Map.of()), file)) {
            assertThat(unpinned.verification()).isEqualTo(ModelContract.Verification.VERIFIED);
        }
        KadeConfig pinned = OfflineConfig.of(file, Map.of(KadeConfig.MODEL_REQUIRE_FINGERPRINT, shuttleFingerprint()));
        assertThatThrownBy(() -> ScoringApp.start(pinned).close()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("is not the one model.require.fingerprint pins");
    }

    @Test
    void goodModelsLoadVerifiedAndAPinnedFingerprintAcceptsTheirOwnData() {
        for (Supplier<byte[]> model : java.util.List.<Supplier<byte[]>>of(ShuttleModels::ae, ShuttleModels::vae)) {
            Path file = ShuttleModels.write(dir.resolve("model.onnx"), model.get());
            try (OnnxModel m = ModelLoader.load(OfflineConfig.of(file, Map.of(KadeConfig.MODEL_REQUIRE_FINGERPRINT,
                    shuttleFingerprint())), file)) {
                assertThat(m.verification()).isEqualTo(ModelContract.Verification.VERIFIED);
                assertThat(m.metadata().probe()).isPresent();
            }
        }
        // a retrained model (another seed, same data) may replace the serving one
        Path file = ShuttleModels.write(dir.resolve("model.onnx"), ShuttleModels.ae());
        Served s = serve(OfflineConfig.of(file, Map.of()));
        assertThat(s.verified()).isEqualTo(1.0);
        ShuttleModels.write(file, ShuttleModels.otherAe());
        assertThat(s.watcher.checkNow()).isEqualTo(ModelWatcher.Outcome.SWAPPED);
        assertThat(s.failures()).isZero();
        s.close();
    }

    @Test
    void modelWithoutProbeIsServedUnverifiedWithItsThresholdStillChecked() {
        byte[] noProbe = ShuttleModels.withMetadata(ShuttleModels.ae(), nulls(ModelContract.KEY_PROBE));
        Path file = ShuttleModels.write(dir.resolve("model.onnx"), noProbe);
        Served s = serve(OfflineConfig.of(file, Map.of()));
        assertThat(s.verified()).isZero();
        try (ModelRegistry.Lease lease = s.registry.acquire()) {
            assertThat(((OnnxModel) lease.model().scorer()).verification()).isEqualTo(ModelContract.Verification.NO_PROBE);
        }
        // without a probe the quantiles cannot be checked, but the threshold range and the kind still are
        byte[] lie = ShuttleModels.withMetadata(noProbe, Map.of(ModelContract.KEY_THRESHOLD, "1.0E30"));
        ShuttleModels.write(file, lie);
        assertThat(s.watcher.checkNow()).isEqualTo(ModelWatcher.Outcome.REFUSED);
        byte[] kindLie = ShuttleModels.withMetadata(noProbe, Map.of(ModelContract.KEY_KIND, "vae"));
        ShuttleModels.write(file, kindLie);
        assertThat(s.watcher.checkNow()).isEqualTo(ModelWatcher.Outcome.REFUSED);
        assertThat(s.failures()).isEqualTo(2.0);
        s.close();
    }

    /** A model served as {@code kade run} serves it: registry, metrics and the watcher with the app's loader. */
    private static Served serve(KadeConfig config) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        KadeMetrics metrics = new KadeMetrics("kade-test");
        metrics.bindTo(meters);
        OnnxModel first = ModelLoader.load(config, config.modelPath());
        ModelRegistry registry = ModelRegistry.of(first);
        metrics.modelServing(first.metadata(), Clock.systemUTC().instant());
        ModelWatcher watcher = new ModelWatcher(config.modelPath(), registry, metrics, p -> ModelLoader.load(config, p), Clock.systemUTC(), config.modelMaxBytes());
        return new Served(registry, watcher, meters);
    }

    record Served(ModelRegistry registry, ModelWatcher watcher, SimpleMeterRegistry meters) implements AutoCloseable {
        double failures() {
            return meters.get(KadeMetrics.MODEL_LOADS).tag("result", "failure").counter().count();
        }

        double verified() {
            return meters.get(KadeMetrics.MODEL_VERIFIED).gauge().value();
        }

        @Override
        public void close() {
            watcher.close();
            registry.close();
        }
    }

    private static String shuttleFingerprint() {
        return ShuttleModels.shuttle().fingerprint();
    }

    private static Supplier<byte[]> edit(Supplier<byte[]> model, String key, String value) {
        return () -> ShuttleModels.withMetadata(model.get(), Map.of(key, value));
    }

    private static Map<String, String> nulls(String key) {
        Map<String, String> m = new HashMap<>();
        m.put(key, null);
        return m;
    }

    private static double[] quantiles(byte[] onnx) {
        return ModelMetadata.fromOnnxMetadata(ShuttleModels.metadata(onnx)).distribution().values();
    }

    /** The same quantile probabilities with every value scaled: monotone and well-formed, but false. */
    private static byte[] scaledQuantiles(byte[] onnx, double factor) {
        ModelMetadata m = ModelMetadata.fromOnnxMetadata(ShuttleModels.metadata(onnx));
        double[] v = m.distribution().values();
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            values.append(i == 0 ? "" : ",").append(v[i] * factor);
        }
        StringBuilder p = new StringBuilder();
        double[] probabilities = m.distribution().probabilities();
        for (int i = 0; i < probabilities.length; i++) {
            p.append(i == 0 ? "" : ",").append(probabilities[i]);
        }
        // keep the threshold inside the scaled range, so that only the quantiles lie
        return ShuttleModels.withMetadata(onnx, Map.of(
                ModelContract.KEY_SCORE_QUANTILES, "{\"p\":[" + p + "],\"v\":[" + values + "]}",
                ModelContract.KEY_THRESHOLD, Double.toString(m.distribution().valueAt(0.995) * factor)));
    }
}
