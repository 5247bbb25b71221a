package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.app.StreamsSetup;
import dev.kade.config.KadeConfig;
import dev.kade.drift.DriftMonitor;
import dev.kade.drift.DriftSettings;
import dev.kade.features.DataSet;
import dev.kade.metrics.KadeMetrics;
import dev.kade.onnx.OnnxModel;
import dev.kade.testing.ShuttleModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drift fed by the real scoring path: a shuttle AE (it carries kade.feature_bins) scores shuttle rows in
 * {@link TopologyTestDriver}, and the monitor attached to {@link KadeMetrics} sees every scored record's score and
 * raw features; a copy of the rows with one feature moved crosses the alert level, and a hot swap restarts the window.
 */
class DriftInTopologyTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final int WINDOW = 500;

    @TempDir
    Path dir;

    @Test
    void scoredRecordsFeedTheDriftWindowsAndAMovedFeatureCrossesTheLevel() {
        DataSet shuttle = ShuttleModels.shuttle();
        KadeConfig config = KadeConfig.fromMap(Map.of("bootstrap.servers", "unused:9092", "input.topics", "metrics",
                "model.path", dir.resolve("model.onnx").toString()));
        KadeMetrics metrics = new KadeMetrics("kade");
        metrics.bindTo(new SimpleMeterRegistry());
        DriftMonitor drift = new DriftMonitor(new DriftSettings(WINDOW, 0.25, 32));
        metrics.attachDrift(drift);
        OnnxModel model = OnnxModel.load(ShuttleModels.write(dir.resolve("model.onnx"), ShuttleModels.ae()));
        assertThat(model.metadata().featureBins()).as("kade train writes per-feature training histograms").isPresent();
        metrics.modelServing(model.metadata(), NOW);
        ModelRegistry models = ModelRegistry.of(model);
        TopologyConfig topology = new TopologyConfig(StreamsSetup.topics(config), 3, Clock.fixed(NOW, ZoneOffset.UTC),
                new Batching(64, java.time.Duration.ofMillis(5)));
        try (TopologyTestDriver driver = new TopologyTestDriver(ScoringTopology.build(topology, models, metrics),
                StreamsSetup.properties(config, metrics))) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic("metrics", new ByteArraySerializer(), new ByteArraySerializer());
            List<String> features = model.metadata().features();
            for (int i = 0; i < WINDOW; i++) {
                in.pipeInput(key(i), json(features, shuttle.rows()[i % shuttle.size()], 0));
            }
            in.pipeInput(key(-1), "not json".getBytes(StandardCharsets.UTF_8)); // dead-lettered: not in the window
            driver.advanceWallClockTime(java.time.Duration.ofSeconds(1));
            assertThat(drift.windowFill()).isEqualTo(WINDOW);
            assertThat(drift.scorePsi()).as("the model's own training rows").isLessThan(0.25);
            assertThat(drift.featurePsiMax()).isLessThan(0.25);
            assertThat(drift.drifted()).isFalse();

            for (int i = 0; i < WINDOW; i++) {
                in.pipeInput(key(i), json(features, shuttle.rows()[i % shuttle.size()], 40));
            }
            driver.advanceWallClockTime(java.time.Duration.ofSeconds(1));
            assertThat(drift.mostDriftedFeature()).isEqualTo(features.get(0));
            assertThat(drift.featurePsi(features.get(0))).isGreaterThan(0.25);
            assertThat(drift.drifted()).isTrue();

            // hot reload: the new model's window starts empty
            OnnxModel next = OnnxModel.load(ShuttleModels.write(dir.resolve("other.onnx"), ShuttleModels.otherAe()));
            models.swap(next);
            metrics.modelServing(next.metadata(), NOW);
            assertThat(drift.windowFill()).isZero();
            in.pipeInput(key(0), json(features, shuttle.rows()[0], 0));
            driver.advanceWallClockTime(java.time.Duration.ofSeconds(1));
            assertThat(drift.windowFill()).isEqualTo(1);
        } finally {
            models.close();
        }
    }

    private static byte[] key(int i) {
        return ("k" + i).getBytes(StandardCharsets.UTF_8);
    }

    /** Row as a JSON record, with {@code shiftFirst} added to the first feature. */
    private static byte[] json(List<String> features, float[] row, double shiftFirst) {
        StringBuilder b = new StringBuilder("{");
        for (int j = 0; j < features.size(); j++) {
            b.append(j == 0 ? "" : ",").append('"').append(features.get(j)).append("\":").append(row[j] + (j == 0 ? shiftFirst : 0));
        }
        return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }
}
