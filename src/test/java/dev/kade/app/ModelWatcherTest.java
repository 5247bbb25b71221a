package dev.kade.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.config.ConfigException;
import dev.kade.config.KadeConfig;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ModelContract;
import dev.kade.model.ServableModel;
import dev.kade.onnx.OnnxModel;
import dev.kade.stream.ModelRegistry;
import dev.kade.testing.ShuttleModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher survives what used to end it: a huge file at model.path, and an Error from the loader. */
class ModelWatcherTest {
    /** 1.5 GiB, as in issue 9: sparse, so it costs no disk, but reading it would need a 1.5 GiB array. */
    private static final long HUGE = 3L * 512 * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void fileOverTheSizeLimitIsRefusedUnreadAndALaterValidModelLoads() throws IOException {
        Path file = ShuttleModels.write(dir.resolve("model.onnx"), ShuttleModels.ae());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Watched w = watch(file, meters, path -> loaded(OnnxModel.load(path, KadeConfig.DEFAULT_MODEL_MAX_BYTES)))) {
            sparse(file, HUGE);

            assertThat(w.watcher.checkNow()).isEqualTo(ModelWatcher.Outcome.REFUSED);
            assertThat(w.watcher.lastRefusal()).hasValueSatisfying(why -> assertThat(why)
                    .contains(HUGE + " bytes, over the limit of " + KadeConfig.DEFAULT_MODEL_MAX_BYTES)
                    .contains(KadeConfig.MODEL_MAX_BYTES).contains("not read"));
            assertThat(failures(meters)).isEqualTo(1.0);
            assertThat(w.registry.metadata().version()).isEqualTo(version(ShuttleModels.ae()));

            ShuttleModels.write(file, ShuttleModels.withMetadata(ShuttleModels.ae(), Map.of(ModelContract.KEY_MODEL_VERSION, "v2")));
            assertThat(w.watcher.checkNow()).isEqualTo(ModelWatcher.Outcome.SWAPPED);
            assertThat(w.registry.metadata().version()).isEqualTo("v2");
        }
    }

    @Test
    void fileOverTheSizeLimitStopsStartNamingModelPath() throws IOException {
        Path file = dir.resolve("model.onnx");
        sparse(file, HUGE);
        KadeConfig config = KadeConfig.fromMap(Map.of(KadeConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1",
                KadeConfig.INPUT_TOPICS, "in", KadeConfig.MODEL_PATH, file.toString(), KadeConfig.METRICS_PORT, "0",
                KadeConfig.MODEL_MAX_BYTES, "1048576"));
        assertThatThrownBy(() -> ScoringApp.start(config).close()).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(KadeConfig.MODEL_PATH + ":")
                .hasMessageContaining("over the limit of 1048576 bytes (model.max.bytes)");
    }

    @Test
    void errorThrownByTheLoaderIsCountedAndTheWatcherKeepsPolling() throws Exception {
        Path file = ShuttleModels.write(dir.resolve("model.onnx"), ShuttleModels.ae());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AtomicInteger calls = new AtomicInteger();
        Function<Path, ServableModel> loader = path -> {
            if (calls.incrementAndGet() == 1) {
                throw new OutOfMemoryError("Java heap space (thrown by the test's loader)");
            }
            return loaded(OnnxModel.load(path));
        };
        try (Watched w = watch(file, meters, loader)) {
            w.watcher.start(Duration.ofMillis(100));

            ShuttleModels.write(file, ShuttleModels.withMetadata(ShuttleModels.ae(), Map.of(ModelContract.KEY_MODEL_VERSION, "v2")));
            await(() -> failures(meters) == 1.0, "the Error counted as a failed load");
            assertThat(w.watcher.lastRefusal()).hasValueSatisfying(why -> assertThat(why).contains("OutOfMemoryError"));
            assertThat(w.registry.metadata().version()).isEqualTo(version(ShuttleModels.ae()));

            ShuttleModels.write(file, ShuttleModels.withMetadata(ShuttleModels.ae(), Map.of(ModelContract.KEY_MODEL_VERSION, "v3")));
            await(() -> "v3".equals(w.registry.metadata().version()), "the next valid model swapped in by the same watcher");
            assertThat(calls.get()).isEqualTo(2);
            assertThat(failures(meters)).isEqualTo(1.0);
        }
    }

    private record Watched(ModelRegistry registry, ModelWatcher watcher) implements AutoCloseable {
        @Override
        public void close() {
            watcher.close();
            registry.close();
        }
    }

    private static Watched watch(Path file, SimpleMeterRegistry meters, Function<Path, ServableModel> loader) {
        KadeMetrics metrics = new KadeMetrics("kade-test");
        metrics.bindTo(meters);
        ModelRegistry registry = ModelRegistry.of(OnnxModel.load(file));
        ModelWatcher watcher = new ModelWatcher(file, registry, metrics, loader, Clock.systemUTC(),
                KadeConfig.DEFAULT_MODEL_MAX_BYTES);
        return new Watched(registry, watcher);
    }

    private static ServableModel loaded(OnnxModel m) {
        return m;
    }

    private static double failures(SimpleMeterRegistry meters) {
        return meters.get(KadeMetrics.MODEL_LOADS).tag("result", "failure").counter().count();
    }

    private static String version(byte[] onnx) {
        return ShuttleModels.metadata(onnx).get(ModelContract.KEY_MODEL_VERSION);
    }

    /** Replaces the file with a sparse one of the given length (no data written, so no disk used). */
    private static void sparse(Path file, long length) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".tmp-", ".part");
        try (RandomAccessFile f = new RandomAccessFile(tmp.toFile(), "rw")) {
            f.setLength(length);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
