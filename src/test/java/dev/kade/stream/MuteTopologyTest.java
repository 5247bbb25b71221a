package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.StreamsSetup;
import dev.kade.config.ConfigException;
import dev.kade.config.KadeConfig;
import dev.kade.metrics.KadeMetrics;
import dev.kade.output.DeadLetterHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mute rules from the control topic ({@code alerts.mute.topic}, a global store) and recurring schedules, through the
 * scoring topology in {@link TopologyTestDriver}, scored by a real ONNX model: muted anomalies are scored, sent with
 * {@code "muted": true} and counted, but open no incident (incident mode) and send no alert (record mode).
 */
class MuteTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 10:00 UTC on the hour, so hourly schedules open at T0, T0 + 1 h, ... */
    private static final long T0 = IncidentDriver.T0;

    @TempDir
    Path dir;
    private IncidentDriver kade;
    private TestInputTopic<byte[], byte[]> control;
    private final Random random = new Random(19);

    private void start(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(Map.of("alerts.incident.entity", "key", "alerts.incident.quiet.ms", "60000",
                "scores.topic", "kade-scores", "alerts.mute.refresh.ms", "0"));
        m.putAll(extra);
        kade = IncidentDriver.start(dir, m);
        if (m.containsKey("alerts.mute.topic")) {
            control = kade.input(m.get("alerts.mute.topic"));
        }
    }

    @AfterEach
    void close() {
        if (kade != null) {
            kade.close();
            kade = null;
        }
    }

    private void rule(String id, String json) {
        control.pipeInput(IncidentDriver.record(id, json, T0));
    }

    /** One anomaly of each host a second for {@code n} seconds from {@code from}; returns the next second. */
    private long anomalies(long from, int n, String... hosts) {
        return kade.anomalies(random, from, n, hosts);
    }

    private static List<JsonNode> read(TestOutputTopic<byte[], byte[]> topic) throws IOException {
        return IncidentDriver.json(topic);
    }

    private static List<String> opened(List<JsonNode> events) {
        return IncidentDriver.opened(events).stream().map(e -> e.get("entity").asText()).toList();
    }

    private double muted() {
        return kade.count(KadeMetrics.INCIDENT_MUTED);
    }

    @Test
    void aRuleArrivingOnTheControlTopicMidStreamMutesItsEntityUntilItsWindowEnds() throws IOException {
        start(Map.of("alerts.mode", "incident", "alerts.mute.topic", "kade-mutes"));
        long at = anomalies(T0, 3, "host-a");
        assertThat(opened(read(kade.alerts))).as("before any rule").containsExactly("host-a");
        at += 120_000; // quiet: host-a's incident resolves with the next records
        Instant start = Instant.ofEpochMilli(at);
        Instant end = Instant.ofEpochMilli(at + 30_000);
        rule("maint-a", "{\"entity\":\"host-a\",\"start\":\"" + start + "\",\"end\":\"" + end + "\",\"reason\":\"disk swap\"}");
        at = anomalies(at, 30, "host-a", "host-b");
        List<JsonNode> inside = read(kade.alerts);
        assertThat(opened(inside)).as("host-b is not muted, host-a is").containsExactly("host-b");
        assertThat(muted()).isEqualTo(30);
        var scored = kade.scores.readRecordsToList();
        assertThat(scored).hasSize(3 + 60);
        for (int i = 0; i < scored.size(); i++) {
            JsonNode s = JSON.readTree(scored.get(i).value());
            String key = new String(scored.get(i).key(), StandardCharsets.UTF_8);
            assertThat(s.get("anomaly").asBoolean()).as("still scored as an anomaly").isTrue();
            assertThat(s.path("muted").asBoolean()).as("record %d of %s", i, key).isEqualTo(i >= 3 && key.equals("host-a"));
            assertThat(s.has("muted")).as("written only when true").isEqualTo(i >= 3 && key.equals("host-a"));
        }
        assertThat(kade.count(KadeMetrics.ANOMALIES)).as("counted as anomalies").isEqualTo(63);
        // after the window: host-a alerts normally again
        anomalies(end.toEpochMilli(), 2, "host-a");
        assertThat(opened(read(kade.alerts))).containsExactly("host-a");
        assertThat(kade.deadLetters.readRecordsToList()).isEmpty();
    }

    @Test
    void aTombstoneDeletesTheRuleAndConfigRulesStillApply() throws IOException {
        long later = T0 + 3_600_000;
        start(Map.of("alerts.mode", "incident", "alerts.mute.topic", "kade-mutes", "alerts.mute.rules",
                "cfg-*@" + Instant.ofEpochMilli(T0) + "/" + Instant.ofEpochMilli(later)));
        rule("all-day", "{\"all\":true,\"start\":\"" + Instant.ofEpochMilli(T0) + "\",\"end\":\"" + Instant.ofEpochMilli(later)
                + "\"}");
        long at = anomalies(T0, 5, "host-a", "cfg-1");
        assertThat(opened(read(kade.alerts))).isEmpty();
        rule("all-day", null);
        anomalies(at, 5, "host-a", "cfg-1");
        assertThat(opened(read(kade.alerts))).as("the topic's rule is gone; the setting's still mutes cfg-*").containsExactly("host-a");
        assertThat(muted()).isEqualTo(5 + 5 + 5);
    }

    @Test
    void aRecurringScheduleFromTheTopicMutesEachWindowAndNotTheTimeBetween() throws IOException {
        start(Map.of("alerts.mode", "incident", "alerts.mute.topic", "kade-mutes"));
        // every hour on the hour, for ten minutes, in Berlin time (an hour ahead of UTC in November: still on the hour)
        rule("hourly", "{\"entity_pattern\":\"db-*\",\"schedule\":{\"cron\":\"0 * * * *\",\"duration\":\"PT10M\","
                + "\"time_zone\":\"Europe/Berlin\"}}");
        anomalies(T0 + 60_000, 5, "db-1");                  // 10:01: inside
        anomalies(T0 + 3_600_000 + 540_000, 5, "db-1");      // 11:09: inside the next window
        assertThat(opened(read(kade.alerts))).isEmpty();
        assertThat(muted()).isEqualTo(10);
        anomalies(T0 + 3_600_000 + 600_000, 3, "db-1");      // 11:10: the window has ended
        assertThat(opened(read(kade.alerts))).containsExactly("db-1");
    }

    @Test
    void badControlRecordsAreDeadLetteredOnceEachAndTheStreamGoesOn() throws IOException {
        start(Map.of("alerts.mode", "incident", "alerts.mute.topic", "kade-mutes"));
        rule("no-json", "{not json");
        rule("no-entity", "{\"start\":\"2026-11-25T10:00:00Z\",\"end\":\"2026-11-25T11:00:00Z\"}");
        rule("bad-cron", "{\"entity\":\"h\",\"schedule\":{\"cron\":\"61 * * * *\",\"duration\":\"PT1M\"}}");
        rule("bad-zone", "{\"entity\":\"h\",\"schedule\":{\"cron\":\"0 * * * *\",\"duration\":\"PT1M\",\"time_zone\":\"Mars/Base\"}}");
        rule("no-window", "{\"entity\":\"h\"}");
        rule(null, "{\"entity\":\"h\",\"start\":\"2026-11-25T10:00:00Z\",\"end\":\"2026-11-25T11:00:00Z\"}");
        long at = anomalies(T0, 2, "h");
        anomalies(at, 2, "h");
        var dead = kade.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(6);
        assertThat(dead).allSatisfy(d -> assertThat(new String(d.headers().lastHeader(DeadLetterHeaders.REASON).value(),
                StandardCharsets.UTF_8)).isEqualTo("mute_rule_invalid"));
        List<String> details = dead.stream().map(d -> new String(d.headers().lastHeader(DeadLetterHeaders.DETAIL).value(),
                StandardCharsets.UTF_8)).toList();
        assertThat(details).anySatisfy(d -> assertThat(d).startsWith("not_json"))
                .anySatisfy(d -> assertThat(d).startsWith("no_entity"))
                .anySatisfy(d -> assertThat(d).startsWith("bad_window").contains("cron"))
                .anySatisfy(d -> assertThat(d).startsWith("bad_window").contains("Mars/Base"))
                .anySatisfy(d -> assertThat(d).startsWith("no_window"))
                .anySatisfy(d -> assertThat(d).startsWith("no_key"));
        assertThat(opened(read(kade.alerts))).as("no bad record mutes anything").containsExactly("h");
        assertThat(kade.meters.find(KadeMetrics.DEAD_LETTERS).counters()).as("not input records")
                .allSatisfy(c -> assertThat(c.count()).isZero());
    }

    @Test
    void inRecordModeAMutedAnomalyPagesNobodyButIsScoredAndCounted() throws IOException {
        start(Map.of("alerts.mute.schedules", "host-m@0 10 * * *|PT1H"));
        anomalies(T0 + 1000, 4, "host-m", "host-n");
        List<JsonNode> sent = read(kade.alerts);
        assertThat(sent).hasSize(4).allSatisfy(a -> assertThat(a.toString()).doesNotContain("host-m"));
        assertThat(read(kade.scores)).hasSize(8).filteredOn(s -> s.path("muted").asBoolean()).hasSize(4);
        assertThat(muted()).isEqualTo(4);
        assertThat(kade.count(KadeMetrics.ANOMALIES)).isEqualTo(8);
        anomalies(T0 + 3_600_000, 1, "host-m");
        assertThat(read(kade.alerts)).as("after the window").hasSize(1);
    }

    @Test
    void aBadScheduleOrControlTopicFailsTheStartNamingTheSetting() {
        Map<String, String> cron = IncidentDriver.settings(dir, Map.of("alerts.mute.schedules", "db-*@0 25 * * *|PT1H"));
        assertThatThrownBy(() -> StreamsSetup.topology(KadeConfig.fromMap(cron))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("alerts.mute.schedules").hasMessageContaining("cron");
        Map<String, String> duration = IncidentDriver.settings(dir, Map.of("alerts.mute.schedules", "db-*@0 2 * * *|2 hours"));
        assertThatThrownBy(() -> StreamsSetup.topology(KadeConfig.fromMap(duration))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("alerts.mute.schedules").hasMessageContaining("duration");
        Map<String, String> topic = IncidentDriver.settings(dir, Map.of("alerts.mute.topic", "metrics"));
        assertThatThrownBy(() -> KadeConfig.fromMap(topic)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("alerts.mute.topic");
    }
}
