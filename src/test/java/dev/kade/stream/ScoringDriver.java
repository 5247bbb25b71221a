package dev.kade.stream;

import dev.kade.app.StreamsSetup;
import dev.kade.config.KadeConfig;
import dev.kade.metrics.KadeMetrics;
import dev.kade.onnx.OnnxModel;
import dev.kade.testing.TestModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The {@link TopologyTestDriver} fixture the record-path topology tests share: kade's settings ({@code input.topics}
 * {@code metrics}, a scores topic, and whatever a test adds) parsed by {@link KadeConfig} and turned into the
 * topology by {@link StreamsSetup} as {@code run} does (carried context and input format included), over the test
 * model ({@link TestModels}) written to a temporary directory, with a fixed clock and the top 3 features on alerts.
 * A test adjusts the {@link TopologyConfig} it needs (output limits, say) and reads the four topics.
 */
final class ScoringDriver implements AutoCloseable {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    final KadeMetrics metrics;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final TestInputTopic<byte[], byte[]> in;
    final TestOutputTopic<byte[], byte[]> alerts;
    final TestOutputTopic<byte[], byte[]> scores;
    final TestOutputTopic<byte[], byte[]> deadLetters;
    private final ModelRegistry models;
    private final TopologyTestDriver driver;

    private ScoringDriver(Path dir, Map<String, String> settings, List<String> features, UnaryOperator<TopologyConfig> adjust) {
        Map<String, String> m = new HashMap<>(Map.of("bootstrap.servers", "unused:9092", "input.topics", "metrics",
                "model.path", dir.resolve("model.onnx").toString(), "scores.topic", "kade-scores"));
        m.putAll(settings);
        KadeConfig config = KadeConfig.fromMap(m);
        metrics = new KadeMetrics("kade");
        metrics.bindTo(meters);
        models = ModelRegistry.of(OnnxModel.load(TestModels.writeModel(dir.resolve("model.onnx"), "v1", features,
                TestModels.THRESHOLD)));
        TopologyConfig topology = new TopologyConfig(StreamsSetup.topics(config), 3, Clock.fixed(NOW, ZoneOffset.UTC))
                .withContext(StreamsSetup.context(config)).withInput(StreamsSetup.input(config));
        driver = new TopologyTestDriver(ScoringTopology.build(adjust.apply(topology), models, metrics),
                StreamsSetup.properties(config, metrics));
        var ser = new ByteArraySerializer();
        var de = new ByteArrayDeserializer();
        in = driver.createInputTopic("metrics", ser, ser);
        alerts = driver.createOutputTopic("kade-alerts", de, de);
        scores = driver.createOutputTopic("kade-scores", de, de);
        deadLetters = driver.createOutputTopic("kade-dead-letters", de, de);
    }

    /** The topology of the test model's features with {@code settings} added, adjusted by {@code adjust}. */
    static ScoringDriver start(Path dir, Map<String, String> settings, UnaryOperator<TopologyConfig> adjust) {
        return new ScoringDriver(dir, settings, TestModels.FEATURES, adjust);
    }

    /** As {@link #start(Path, Map, UnaryOperator)} with a model of other {@code features}. */
    static ScoringDriver start(Path dir, Map<String, String> settings, List<String> features) {
        return new ScoringDriver(dir, settings, features, t -> t);
    }

    @Override
    public void close() {
        driver.close();
        models.close();
    }
}
