package dev.kade.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.StreamsSetup;
import dev.kade.config.KadeConfig;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ServableModel;
import dev.kade.onnx.OnnxModel;
import dev.kade.testing.TestModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The {@link TopologyTestDriver} fixture the incident-path topology tests ({@link IncidentTopologyTest},
 * {@link MuteTopologyTest}, {@link FeedbackTopologyTest}) share: kade's settings ({@code input.topics} {@code metrics}
 * and whatever a test adds) parsed by {@link KadeConfig} and turned into the whole topology by
 * {@link StreamsSetup#topology} (incident, mute and feedback settings included), over the test model
 * ({@link TestModels}, version {@code v1}) written to a temporary directory or a scorer the test gives, with the clock
 * fixed at {@link #NOW} and the driver's wall clock starting at {@link #T0}. Unlike {@link ScoringDriver}, which builds
 * the record path's settings only, it keeps every setting {@link StreamsSetup} derives. A test reads the alert, scores
 * and dead-letter topics and opens its control topics ({@link #input}).
 */
final class IncidentDriver implements AutoCloseable {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    /** 10:00 UTC on the hour: the driver's wall clock starts here, and the tests' event times. */
    static final long T0 = Instant.parse("2026-11-25T10:00:00Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> in;
    final TestOutputTopic<byte[], byte[]> alerts;
    final TestOutputTopic<byte[], byte[]> scores;
    final TestOutputTopic<byte[], byte[]> deadLetters;
    private final ModelRegistry models;

    private IncidentDriver(Map<String, String> settings, ServableModel model) {
        KadeConfig config = KadeConfig.fromMap(settings);
        KadeMetrics metrics = new KadeMetrics("kade");
        metrics.bindTo(meters);
        models = ModelRegistry.of(model);
        TopologyConfig tc = StreamsSetup.topology(config);
        tc = new TopologyConfig(tc.topics(), tc.topFeatures(), Clock.fixed(NOW, ZoneOffset.UTC), tc.batching(), tc.limits(),
                tc.includeLatent(), tc.series(), tc.context(), tc.input(), tc.incidents());
        driver = new TopologyTestDriver(ScoringTopology.build(tc, models, metrics), StreamsSetup.properties(config, metrics),
                Instant.ofEpochMilli(T0));
        var de = new ByteArrayDeserializer();
        in = input("metrics");
        alerts = driver.createOutputTopic("kade-alerts", de, de);
        scores = driver.createOutputTopic("kade-scores", de, de);
        deadLetters = driver.createOutputTopic("kade-dead-letters", de, de);
    }

    /** The settings every test starts from (broker, input topic, model path), with {@code extra} added (it wins). */
    static Map<String, String> settings(Path dir, Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(Map.of("bootstrap.servers", "unused:9092", "input.topics", "metrics",
                "model.path", dir.resolve("model.onnx").toString()));
        m.putAll(extra);
        return m;
    }

    /** The topology of {@link #settings} with {@code extra}, scored by the test model. */
    static IncidentDriver start(Path dir, Map<String, String> extra) {
        return new IncidentDriver(settings(dir, extra), ServableModel.unowned(OnnxModel.load(
                TestModels.writeModel(dir.resolve("model.onnx"), "v1"))));
    }

    /** As {@link #start(Path, Map)} scored by {@code model} (a windowed test scorer, say). */
    static IncidentDriver start(Path dir, Map<String, String> extra, ServableModel model) {
        return new IncidentDriver(settings(dir, extra), model);
    }

    /** Another input topic of the topology (a control topic: mute rules, feedback labels). */
    TestInputTopic<byte[], byte[]> input(String topic) {
        var ser = new ByteArraySerializer();
        return driver.createInputTopic(topic, ser, ser);
    }

    /** A record of UTF-8 {@code key} and {@code value} (either may be null: no key, a tombstone) at {@code at}. */
    static TestRecord<byte[], byte[]> record(String key, String value, long at) {
        return new TestRecord<>(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), null, at);
    }

    /** Sends {@code value} keyed by {@code key} to the input topic at event time {@code at}. */
    void send(String key, String value, long at) {
        in.pipeInput(record(key, value, at));
    }

    /** One anomaly of each host a second for {@code n} seconds from {@code from}; returns the next second. */
    long anomalies(Random random, long from, int n, String... hosts) {
        long at = from;
        for (int s = 0; s < n; s++, at += 1000) {
            for (String h : hosts) {
                send(h, TestModels.anomaly(random), at);
            }
        }
        return at;
    }

    /** Every record waiting on {@code topic}, parsed as JSON. */
    static List<JsonNode> json(TestOutputTopic<byte[], byte[]> topic) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (var r : topic.readRecordsToList()) {
            out.add(JSON.readTree(r.value()));
        }
        return out;
    }

    /** The {@code opened} events among {@code events}. */
    static List<JsonNode> opened(List<JsonNode> events) {
        return events.stream().filter(e -> e.get("event").asText().equals("opened")).toList();
    }

    /** A counter's count. */
    double count(String counter) {
        return meters.get(counter).counter().count();
    }

    @Override
    public void close() {
        driver.close();
        models.close();
    }
}
