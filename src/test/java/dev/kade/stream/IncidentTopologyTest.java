package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.StreamsSetup;
import dev.kade.config.KadeConfig;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ServableModel;
import dev.kade.testing.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code alerts.mode=incident} through the scoring topology in {@link TopologyTestDriver}, scored by a real ONNX model. */
class IncidentTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = IncidentDriver.T0;

    @TempDir
    Path dir;
    private IncidentDriver kade;

    private void start(Map<String, String> settings) {
        Map<String, String> m = new HashMap<>(Map.of("scores.topic", "kade-scores"));
        m.putAll(settings);
        kade = IncidentDriver.start(dir, m);
    }

    @AfterEach
    void close() {
        if (kade != null) {
            kade.close();
            kade = null;
        }
    }

    private void send(String key, String value, long at) {
        kade.send(key, value, at);
    }

    private List<JsonNode> events() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (var r : kade.alerts.readRecordsToList()) {
            JsonNode e = JSON.readTree(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).as("events are keyed by incident id")
                    .isEqualTo(e.get("incident_id").asText());
            out.add(e);
        }
        return out;
    }

    @Test
    void aTenMinuteFloodOfOneHostIsOneIncidentNotSixHundredAlerts() throws IOException {
        start(Map.of("alerts.mode", "incident", "alerts.incident.entity", "key", "alerts.incident.quiet.ms", "120000",
                "alerts.link.template", "https://grafana/d/x?var-entity={entity}"));
        Random random = new Random(7);
        for (int s = 0; s < 600; s++) {
            send("host-1", TestModels.anomaly(random), T0 + s * 1000L);
            send("host-2", TestModels.normal(random), T0 + s * 1000L);
        }
        // host-2 goes on alone for the quiet time: stream time passes host-1's last anomaly + 120 s
        for (int s = 600; s < 721; s++) {
            send("host-2", TestModels.normal(random), T0 + s * 1000L);
        }
        List<JsonNode> events = events();
        assertThat(events).extracting(e -> e.get("event").asText()).first().isEqualTo("opened");
        assertThat(events).extracting(e -> e.get("event").asText()).last().isEqualTo("resolved");
        // one opened, an update per minute of event time (60 s .. 540 s), one resolved
        assertThat(events).hasSize(11);
        assertThat(events).extracting(e -> e.get("incident_id").asText()).containsOnly(events.get(0).get("incident_id").asText());
        JsonNode resolved = events.get(events.size() - 1);
        assertThat(resolved.get("count").asLong()).isEqualTo(600);
        assertThat(resolved.get("entity").asText()).isEqualTo("host-1");
        assertThat(resolved.get("resolution").asText()).isEqualTo("quiet");
        assertThat(resolved.get("top_features").get(0).asText()).isEqualTo("latency_ms");
        assertThat(resolved.get("first").get("offset").asLong()).isEqualTo(0);
        assertThat(resolved.get("last").get("offset").asLong()).isEqualTo(1198);
        assertThat(resolved.get("event_time").asText()).isEqualTo(Instant.ofEpochMilli(T0 + 599_000 + 120_000).toString());
        assertThat(resolved.get("link").asText()).isEqualTo("https://grafana/d/x?var-entity=host-1");
        assertThat(resolved.has("alert")).as("a resolution is caused by no anomalous record").isFalse();
        // opened and updated events carry the alert of the record that caused them, as the per-record alert topic would
        JsonNode openedAlert = events.get(0).get("alert");
        assertThat(openedAlert.get("key").asText()).isEqualTo("host-1");
        assertThat(openedAlert.get("source").get("offset").asLong()).isEqualTo(0);
        assertThat(openedAlert.get("features").has("latency_ms")).isTrue();
        assertThat(events.get(1).get("alert").get("source").get("offset").asLong())
                .isEqualTo(events.get(1).get("last").get("offset").asLong());
        // the scores topic is as in record mode: every record, with its own anomaly flag
        assertThat(kade.scores.getQueueSize()).isEqualTo(1321);
        assertThat(kade.meters.get(KadeMetrics.INCIDENT_EVENTS).tag("event", "opened").counter().count()).isEqualTo(1);
        assertThat(kade.meters.get(KadeMetrics.INCIDENT_EVENTS).tag("event", "updated").counter().count()).isEqualTo(9);
        assertThat(kade.meters.get(KadeMetrics.INCIDENT_EVENTS).tag("event", "resolved").counter().count()).isEqualTo(1);
        assertThat(kade.meters.get(KadeMetrics.ANOMALIES).counter().count()).isEqualTo(600);
        assertThat(kade.meters.get(KadeMetrics.INCIDENTS_OPEN).gauge().value()).isZero();
        KeyValueStore<String, byte[]> store = kade.driver.getKeyValueStore(ScoringTopology.INCIDENT_STORE);
        assertThat(store.approximateNumEntries()).as("resolved incidents leave the store").isLessThanOrEqualTo(1);
        try (var it = store.all()) {
            it.forEachRemaining(kv -> assertThat(kv.key).doesNotContain("\0"));
        }
    }

    @Test
    void withoutRecordsOnlyTheWallClockResolvesAndOnlyWhenAskedTo() throws IOException {
        for (boolean byClock : new boolean[] {false, true}) {
            close();
            start(Map.of("alerts.mode", "incident", "alerts.incident.entity", "key", "alerts.incident.quiet.ms", "120000",
                    "alerts.incident.resolve.wall.clock", Boolean.toString(byClock)));
            send("host-1", TestModels.anomaly(new Random(1)), T0);
            assertThat(events()).extracting(e -> e.get("event").asText()).containsExactly("opened");
            // the stream goes silent; only the wall clock moves
            kade.driver.advanceWallClockTime(java.time.Duration.ofSeconds(119));
            assertThat(events()).as("before the quiet time, clock %s", byClock).isEmpty();
            kade.driver.advanceWallClockTime(java.time.Duration.ofSeconds(31));
            List<JsonNode> after = events();
            if (!byClock) {
                assertThat(after).as("event time only: nothing moves stream time").isEmpty();
                continue;
            }
            assertThat(after).singleElement().satisfies(e -> {
                assertThat(e.get("event").asText()).isEqualTo("resolved");
                assertThat(e.get("resolution").asText()).isEqualTo("quiet");
                assertThat(e.get("event_time").asText()).isEqualTo(Instant.ofEpochMilli(T0 + 120_000).toString());
            });
            KeyValueStore<String, byte[]> store = kade.driver.getKeyValueStore(ScoringTopology.INCIDENT_STORE);
            assertThat(store.get("host-1\0v1")).isNull();
        }
    }

    @Test
    void perRecordModelsByDefaultKeepOneIncidentPerPartition() throws IOException {
        start(Map.of("alerts.mode", "incident"));
        Random random = new Random(3);
        send("a", TestModels.anomaly(random), T0);
        send("b", TestModels.anomaly(random), T0 + 1000);
        send("c", TestModels.normal(random), T0 + 2000);
        List<JsonNode> events = events();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.get("event").asText()).isEqualTo("opened");
            assertThat(e.get("entity").asText()).isEqualTo("metrics/0");
        });
        KeyValueStore<String, byte[]> store = kade.driver.getKeyValueStore(ScoringTopology.INCIDENT_STORE);
        assertThat(store.get("metrics/0\0v1")).isNotNull();
    }

    /**
     * A windowed model: the incident's entity is the series entity, and the entity store and the incident store sit
     * side by side behind the batch store.
     */
    @Test
    void aWindowedModelsIncidentsBelongToItsEntities() throws IOException {
        kade = IncidentDriver.start(dir, Map.of("series.likelihood.learning.period", "3", "series.hold.off", "0",
                "kafka.state.dir", dir.resolve("state").toString(), "alerts.mode", "incident", "alerts.incident.quiet.ms",
                "60000"), ServableModel.unowned(new dev.kade.testing.WindowedTestScorer(List.of("v"), 4, "w1")));
        long t = 0;
        for (int i = 0; i < 12; i++, t++) {
            send("small", "{\"v\":" + (10 + i % 3) + "}", T0 + t * 1000);
            send("large", "{\"v\":" + (1000 + 100 * (i % 3)) + "}", T0 + t * 1000);
        }
        assertThat(kade.alerts.isEmpty()).isTrue();
        // 1200 is normal for "large", far outside "small"'s range: an incident of "small" only
        send("large", "{\"v\":1200}", T0 + t * 1000);
        send("small", "{\"v\":1200}", T0 + t * 1000);
        List<JsonNode> events = events();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.get("event").asText()).isEqualTo("opened");
            assertThat(e.get("entity").asText()).isEqualTo("small");
            assertThat(e.get("model").get("version").asText()).isEqualTo("w1");
            assertThat(e.get("top_features").get(0).asText()).isEqualTo("v");
            // the window of recent values beside the model's expected ones, from the embedded alert
            assertThat(e.get("alert").get("window").get("actual").get("v")).hasSize(4);
            assertThat(e.get("alert").get("window").get("expected").get("v")).hasSize(4);
        });
        // "large" goes on for the quiet time: "small"'s incident resolves by stream time
        for (int i = 0; i < 61; i++) {
            send("large", "{\"v\":" + (1000 + 100 * (i % 3)) + "}", T0 + (t + 1 + i) * 1000);
        }
        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.get("event").asText()).isEqualTo("resolved");
            assertThat(e.get("entity").asText()).isEqualTo("small");
        });
        assertThat(kade.driver.getAllStateStores()).containsKeys(ScoringTopology.ENTITY_STORE, ScoringTopology.INCIDENT_STORE);
    }

    @Test
    void aBadMuteRuleFailsTheStartNamingTheSetting() {
        KadeConfig config = KadeConfig.fromMap(IncidentDriver.settings(dir, Map.of("alerts.mute.rules",
                "db-*@yesterday/today")));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StreamsSetup.topology(config))
                .isInstanceOf(dev.kade.config.ConfigException.class).hasMessageStartingWith("alerts.mute.rules");
    }

    @Test
    void mutedAnomaliesAreScoredAndCountedButOpenNoIncident() throws IOException {
        start(Map.of("alerts.mode", "incident", "alerts.incident.entity", "key", "alerts.mute.rules",
                "host-1@" + Instant.ofEpochMilli(T0) + "/" + Instant.ofEpochMilli(T0 + 60_000)));
        Random random = new Random(5);
        for (int s = 0; s < 60; s++) {
            send("host-1", TestModels.anomaly(random), T0 + s * 1000L);
        }
        assertThat(events()).isEmpty();
        assertThat(kade.meters.get(KadeMetrics.INCIDENT_MUTED).counter().count()).isEqualTo(60);
        assertThat(kade.meters.get(KadeMetrics.ANOMALIES).counter().count()).as("still scored and counted").isEqualTo(60);
        send("host-1", TestModels.anomaly(random), T0 + 60_000);
        assertThat(events()).extracting(e -> e.get("event").asText()).containsExactly("opened");
    }

    @Test
    void recordModeIsUnchangedAndHasNoIncidentStore() throws IOException {
        start(Map.of());
        Random random = new Random(3);
        send("a", TestModels.anomaly(random), T0);
        send("b", TestModels.anomaly(random), T0 + 1000);
        var records = kade.alerts.readRecordsToList();
        assertThat(records).hasSize(2);
        assertThat(JSON.readTree(records.get(0).value()).has("incident_id")).isFalse();
        assertThat(kade.driver.getAllStateStores()).doesNotContainKey(ScoringTopology.INCIDENT_STORE);
    }
}
