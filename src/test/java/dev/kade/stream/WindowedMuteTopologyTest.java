package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.StreamsSetup;
import dev.kade.config.KadeConfig;
import dev.kade.entity.AnomalyLikelihood;
import dev.kade.entity.EntityKey;
import dev.kade.entity.EntityState;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ServableModel;
import dev.kade.series.SeriesSpec;
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
 * A windowed model's per-entity baseline and the alerting loop, in the scoring topology ({@link TopologyTestDriver},
 * real RocksDB entity store): records inside a mute window do not teach their entity's statistics or likelihood, and a
 * feedback {@code new_normal} label rebases the labelled entity once.
 */
class WindowedMuteTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final int W = 4;

    @TempDir
    Path dir;
    private TopologyTestDriver driver;
    private SimpleMeterRegistry meters;
    private TestInputTopic<byte[], byte[]> in;
    private TestInputTopic<byte[], byte[]> feedback;
    private TestOutputTopic<byte[], byte[]> scores;
    private SeriesSpec spec;
    private AnomalyLikelihood likelihood;

    private void start(Map<String, String> settings) {
        Map<String, String> m = new HashMap<>(Map.of("bootstrap.servers", "unused:9092", "input.topics", "metrics",
                "model.path", dir.resolve("model.onnx").toString(), "scores.topic", "kade-scores",
                "series.likelihood.learning.period", "3", "kafka.state.dir", dir.resolve("state").toString(),
                "alerts.mode", "incident", "alerts.feedback.refresh.ms", "0"));
        m.putAll(settings);
        KadeConfig config = KadeConfig.fromMap(m);
        meters = new SimpleMeterRegistry();
        KadeMetrics metrics = new KadeMetrics("kade");
        metrics.bindTo(meters);
        WindowedTestScorer scorer = new WindowedTestScorer(List.of("v"), W, "w1");
        spec = scorer.metadata().series().orElseThrow();
        ModelRegistry models = ModelRegistry.of(ServableModel.unowned(scorer));
        TopologyConfig t = StreamsSetup.topology(config);
        t = new TopologyConfig(t.topics(), t.topFeatures(), Clock.fixed(T0, ZoneOffset.UTC), t.batching(), t.limits(), false,
                t.series(), t.context(), t.input(), t.incidents());
        likelihood = new AnomalyLikelihood(t.series().policy().likelihood());
        driver = new TopologyTestDriver(ScoringTopology.build(t, models, metrics), StreamsSetup.properties(config, metrics));
        var ser = new ByteArraySerializer();
        in = driver.createInputTopic("metrics", ser, ser);
        if (m.containsKey("alerts.feedback.topic")) {
            feedback = driver.createInputTopic(m.get("alerts.feedback.topic"), ser, ser);
        }
        scores = driver.createOutputTopic("kade-scores", new ByteArrayDeserializer(), new ByteArrayDeserializer());
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
        in.pipeInput(new TestRecord<>(bytes(key), bytes("{\"v\":" + v + "}"), T0.plusSeconds(secondsAfterT0)));
    }

    private EntityState state(String key) {
        KeyValueStore<Bytes, byte[]> kv = driver.getKeyValueStore(ScoringTopology.ENTITY_STORE);
        return EntityState.fromBytes(kv.get(EntityKey.ofRecordKey(bytes(key)).storeKey()), spec, likelihood);
    }

    private List<JsonNode> scores() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (byte[] v : scores.readValuesToList()) {
            out.add(JSON.readTree(v));
        }
        return out;
    }

    /** Ten records a second apart of both entities from {@code from}, around {@code level}. */
    private void both(long from, int n, double level) {
        for (int s = 0; s < n; s++) {
            send("a", level + (s % 3) * 0.1, from + s);
            send("b", level + (s % 3) * 0.1, from + s);
        }
    }

    @Test
    void aMaintenanceWindowTeachesTheMutedEntitysBaselineNothing() throws Exception {
        start(Map.of("alerts.mute.rules", "a@" + T0.plusSeconds(100) + "/" + T0.plusSeconds(200)));
        both(0, 30, 1.0);
        EntityState a0 = state("a");
        EntityState b0 = state("b");
        assertThat(a0.stats()).isEqualTo(b0.stats());
        both(100, 30, 50.0); // both broken; only a's is a planned maintenance
        EntityState a1 = state("a");
        EntityState b1 = state("b");
        assertThat(a1.stats()).as("a's statistics did not learn the broken values").isEqualTo(a0.stats());
        assertThat(a1.likelihood().count()).as("nor did its likelihood history").isEqualTo(a0.likelihood().count());
        assertThat(a1.records()).as("its window and clock advanced").isEqualTo(a0.records() + 30);
        assertThat(b1.stats()).as("b's did").isNotEqualTo(b0.stats());
        assertThat(b1.likelihood().count()).isEqualTo(b0.likelihood().count() + 30);
        List<JsonNode> s = scores();
        assertThat(s).filteredOn(r -> r.path("muted").asBoolean())
                .hasSize(30).allSatisfy(r -> assertThat(r.get("entity").asText()).isEqualTo("a"));
        both(200, 5, 50.0); // after the window a learns again
        assertThat(state("a").stats()).isNotEqualTo(a0.stats());
    }

    @Test
    void aNewNormalLabelRebasesTheLabelledWindowedEntityOnce() throws Exception {
        start(Map.of("alerts.feedback.topic", "kade-feedback"));
        both(0, 30, 1.0);
        both(30, 30, 50.0);
        long before = state("a").records();
        String id = "0123456789abcdef0123456789abcdef";
        feedback.pipeInput(new TestRecord<>(bytes(id), bytes("{\"incident_id\":\"" + id
                + "\",\"entity\":\"a\",\"label\":\"new_normal\"}"), T0));
        scores();
        both(60, 10, 50.0);
        EntityState a = state("a");
        EntityState b = state("b");
        assertThat(a.records()).as("a started afresh at the label").isEqualTo(10);
        assertThat(b.records()).as("b is not labelled").isEqualTo(before + 10);
        List<JsonNode> s = scores();
        assertThat(s).filteredOn(r -> r.get("entity").asText().equals("a")).first()
                .satisfies(r -> assertThat(r.get("warming_up").asBoolean()).as("a warms up on its new normal").isTrue());
        // the label stays on the topic; it rebased once, so a keeps learning from here
        both(70, 10, 50.0);
        assertThat(state("a").records()).isEqualTo(20);
    }
}
