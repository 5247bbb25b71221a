package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.StreamsSetup;
import dev.kade.config.KadeConfig;
import dev.kade.entity.EntityKey;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ServableModel;
import dev.kade.output.DeadLetterHeaders;
import dev.kade.testing.WindowedTestScorer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A windowed model in the scoring topology ({@link TopologyTestDriver}, real RocksDB entity store): windows per
 * entity, warm-up, the likelihood's alerts, dead letters for records without an entity or a readable time, late
 * records under both policies, and idle expiry by the stream-time sweep.
 */
class WindowedTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final int W = 4;

    @TempDir
    Path dir;
    private TopologyTestDriver driver;
    private KadeMetrics metrics;
    private SimpleMeterRegistry meters;
    private TestInputTopic<byte[], byte[]> in;
    private TestOutputTopic<byte[], byte[]> alerts;
    private TestOutputTopic<byte[], byte[]> scores;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    private void start(Map<String, String> settings) {
        Map<String, String> m = new HashMap<>(Map.of("bootstrap.servers", "unused:9092", "input.topics", "metrics",
                "model.path", dir.resolve("model.onnx").toString(), "scores.topic", "kade-scores",
                "series.likelihood.learning.period", "3", "kafka.state.dir", dir.resolve("state").toString()));
        m.putAll(settings);
        KadeConfig config = KadeConfig.fromMap(m);
        meters = new SimpleMeterRegistry();
        metrics = new KadeMetrics("kade");
        metrics.bindTo(meters);
        WindowedTestScorer scorer = new WindowedTestScorer(List.of("v"), W, "w1");
        ModelRegistry models = ModelRegistry.of(ServableModel.unowned(scorer));
        TopologyConfig topology = StreamsSetup.topology(config).withLimits(dev.kade.output.OutputLimits.DEFAULT);
        topology = new TopologyConfig(topology.topics(), topology.topFeatures(), Clock.fixed(T0, ZoneOffset.UTC),
                topology.batching(), topology.limits(), false, topology.series());
        topology = topology.withContext(StreamsSetup.context(config));
        driver = new TopologyTestDriver(ScoringTopology.build(topology, models, metrics), StreamsSetup.properties(config, metrics));
        var ser = new ByteArraySerializer();
        var de = new ByteArrayDeserializer();
        in = driver.createInputTopic("metrics", ser, ser);
        alerts = driver.createOutputTopic("kade-alerts", de, de);
        scores = driver.createOutputTopic("kade-scores", de, de);
        deadLetters = driver.createOutputTopic("kade-dead-letters", de, de);
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void send(String key, double v, long secondsAfterT0) {
        in.pipeInput(new TestRecord<>(key == null ? null : bytes(key), bytes("{\"v\":" + v + "}"), T0.plusSeconds(secondsAfterT0)));
    }

    private List<JsonNode> scores() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (byte[] v : scores.readValuesToList()) {
            out.add(JSON.readTree(v));
        }
        return out;
    }

    @Test
    void aWindowedModelsScoresAndAlertsCarryTheTraceHeaderAndChosenFields() throws Exception {
        start(Map.of("output.fields.copy", "host"));
        for (int i = 0; i < 8; i++) {
            org.apache.kafka.common.header.internals.RecordHeaders h = new org.apache.kafka.common.header.internals.RecordHeaders();
            h.add("traceparent", bytes("00-" + "0".repeat(31) + i + "-00f067aa0ba902b7-01"));
            in.pipeInput(new TestRecord<>(bytes("e1"), bytes("{\"v\":" + (i == 7 ? 10_000 : 10 + i % 3) + ",\"host\":\"h" + i + "\"}"),
                    h, T0.plusSeconds(i)));
        }
        List<TestRecord<byte[], byte[]>> out = scores.readRecordsToList();
        assertThat(out).hasSize(8);
        for (int i = 0; i < 8; i++) {
            assertThat(new String(out.get(i).headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                    .endsWith(i + "-00f067aa0ba902b7-01");
            assertThat(JSON.readTree(out.get(i).value()).get("context").get("host").asText()).isEqualTo("h" + i);
        }
        TestRecord<byte[], byte[]> alert = alerts.readRecord();
        assertThat(JSON.readTree(alert.value()).get("context").get("host").asText()).isEqualTo("h7");
        assertThat(alert.headers().lastHeader("traceparent")).isNotNull();
    }

    @Test
    void entitiesWarmUpThenAlertOnTheirOwnScaleOnly() throws Exception {
        start(Map.of());
        long t = 0;
        for (int i = 0; i < 12; i++) {
            send("small", 10 + (i % 3), t);
            send("large", 1000 + 100 * (i % 3), t++);
        }
        List<JsonNode> s = scores();
        assertThat(s).hasSize(24);
        // the first W-1 records of each entity warm up; then each is scored on its own window
        assertThat(s.stream().filter(n -> n.get("warming_up").asBoolean()).count()).isEqualTo(2 * (W - 1));
        assertThat(s.get(0).get("entity").asText()).isEqualTo("small");
        assertThat(s.get(0).get("likelihood").isNull()).isTrue();
        assertThat(s.get(0).get("event_time").asText()).isEqualTo(T0.toString());
        assertThat(alerts.isEmpty()).isTrue();
        assertThat(meters.get(KadeMetrics.SERIES_WARMUPS).counter().count()).isEqualTo(2 * (W - 1));
        // 1200 is normal for "large" but far outside "small"'s range: only "small" alerts
        send("large", 1200, t);
        send("small", 1200, t);
        List<JsonNode> after = scores();
        assertThat(after.get(0).get("anomaly").asBoolean()).isFalse();
        assertThat(after.get(1).get("anomaly").asBoolean()).isTrue();
        assertThat(after.get(1).get("anomaly_score").asDouble()).isEqualTo(1.0);
        JsonNode alert = JSON.readTree(alerts.readValue());
        assertThat(alert.get("entity").asText()).isEqualTo("small");
        assertThat(alert.get("window").get("actual").get("v")).hasSize(W);
        assertThat(alert.get("window").get("actual").get("v").get(W - 1).asDouble()).isEqualTo(1200.0);
        assertThat(alert.get("window").get("expected").get("v")).hasSize(W);
        assertThat(alert.get("off").get("feature").asText()).isEqualTo("v");
        assertThat(alert.get("off").get("steps_back").asInt()).isZero();
        assertThat(alerts.isEmpty()).isTrue();
    }

    @Test
    void recordsWithoutAnEntityOrAReadableTimeAreDeadLettered() throws Exception {
        start(Map.of("entity.fields", "host", "entity.time.field", "at", "entity.time.format", "iso_8601"));
        in.pipeInput(new TestRecord<>(bytes("k"), bytes("{\"v\":1,\"host\":\"h1\",\"at\":\"2026-12-01T00:00:00Z\"}"), T0));
        in.pipeInput(new TestRecord<>(bytes("k"), bytes("{\"v\":1,\"at\":\"2026-12-01T00:00:01Z\"}"), T0));
        in.pipeInput(new TestRecord<>(bytes("k"), bytes("{\"v\":1,\"host\":\"h1\",\"at\":\"yesterday\"}"), T0));
        in.pipeInput(new TestRecord<>(bytes("k"), bytes("{\"host\":\"h1\",\"at\":\"2026-12-01T00:00:02Z\"}"), T0));
        List<JsonNode> s = scores();
        assertThat(s).hasSize(1);
        assertThat(s.get(0).get("entity").asText()).isEqualTo("h1");
        List<String> reasons = new ArrayList<>();
        deadLetters.readRecordsToList().forEach(r -> reasons.add(new String(r.headers().lastHeader(DeadLetterHeaders.REASON).value(),
                StandardCharsets.UTF_8)));
        assertThat(reasons).containsExactly("no_entity", "bad_time", "missing_feature");
        assertThat(meters.get(KadeMetrics.DEAD_LETTERS).tag("reason", "no_entity").counter().count()).isEqualTo(1);
        assertThat(metrics.counts().in()).isEqualTo(metrics.counts().scored() + metrics.counts().deadLettered());
    }

    @Test
    void aLateRecordIsScoredWithoutMovingTheWindowByDefault() throws Exception {
        start(Map.of());
        for (int i = 0; i < W; i++) {
            send("a", i, 10 + i);
        }
        send("a", 50, 1);
        send("a", W, 10 + W);
        List<JsonNode> s = scores();
        assertThat(s.get(W).get("late").asBoolean()).isTrue();
        assertThat(s.get(W + 1).has("late")).isFalse();
        assertThat(meters.get(KadeMetrics.SERIES_LATE).counter().count()).isEqualTo(1);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aLateRecordIsDeadLetteredWhenSoConfigured() throws Exception {
        start(Map.of("series.late", "dead_letter"));
        send("a", 1, 10);
        send("a", 2, 5);
        assertThat(scores()).hasSize(1);
        assertThat(new String(deadLetters.readRecord().headers().lastHeader(DeadLetterHeaders.REASON).value(),
                StandardCharsets.UTF_8)).isEqualTo("late_record");
    }

    @Test
    void idleEntitiesAreSweptOutOfTheStoreByStreamTime() throws Exception {
        start(Map.of("series.idle.expiry.ms", "60000", "series.expiry.sweep.interval.ms", "1000"));
        send("idle", 1, 0);
        send("busy", 1, 1);
        KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(ScoringTopology.ENTITY_STORE);
        Bytes idle = EntityKey.ofRecordKey(bytes("idle")).storeKey();
        assertThat(store.get(idle)).isNotNull();
        // two minutes of event time later "busy" is still writing (never idle a minute); the sweep removes "idle"
        for (long t = 40; t <= 160; t += 40) {
            send("busy", 1, t);
        }
        assertThat(store.get(idle)).isNull();
        assertThat(store.get(EntityKey.ofRecordKey(bytes("busy")).storeKey())).isNotNull();
        assertThat(meters.get(KadeMetrics.SERIES_EXPIRED).counter().count()).isEqualTo(1);
        // back after expiry: a new entity, warming up again
        send("idle", 1, 161);
        List<JsonNode> s = scores();
        assertThat(s.get(s.size() - 1).get("warming_up").asBoolean()).isTrue();
    }
}
