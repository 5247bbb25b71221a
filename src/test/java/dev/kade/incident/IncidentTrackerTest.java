package dev.kade.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.output.Source;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

class IncidentTrackerTest {
    private static final IncidentSettings SETTINGS = new IncidentSettings(AlertMode.INCIDENT, IncidentEntity.KEY,
            Duration.ofSeconds(60), Duration.ofSeconds(300), 0, Optional.empty(), IncidentFormat.KADE, false, List.of());
    private static final List<String> TOP = List.of("latency_ms", "cpu");

    /** A store backed by a map, as the changelogged store behaves within one task. */
    static final class MapStore implements IncidentTracker.Store {
        final Map<String, byte[]> map = new TreeMap<>();
        int writes;

        @Override
        public void put(String key, byte[] value) {
            map.put(key, value);
            writes++;
        }

        @Override
        public void delete(String key) {
            map.remove(key);
            writes++;
        }

        @Override
        public void forEach(BiConsumer<String, byte[]> action) {
            map.forEach(action);
        }
    }

    private final MapStore store = new MapStore();
    private final List<IncidentEvent> events = new ArrayList<>();
    private long offset;

    private void record(IncidentTracker t, String entity, long atSeconds, boolean anomaly, float score) {
        t.observe(entity, "v1", "reconstruction", new Source("in", 0, offset++), atSeconds * 1000, anomaly, score,
                anomaly ? TOP : null, events);
    }

    private List<String> kinds() {
        return events.stream().map(e -> e.kind().label() + ":" + e.incident().entity()).toList();
    }

    @Test
    void aFloodOfAnomaliesIsOneIncidentWithAtMostOneUpdatePerInterval() {
        IncidentTracker t = new IncidentTracker(SETTINGS, store);
        for (int s = 0; s < 600; s++) {
            record(t, "host-1", s, true, 2 + (s == 100 ? 50 : 0));
            record(t, "host-2", s, false, 0.1f);
        }
        t.flush();
        assertThat(events.get(0).kind()).isEqualTo(IncidentEvent.Kind.OPENED);
        long updates = events.stream().filter(e -> e.kind() == IncidentEvent.Kind.UPDATED).count();
        assertThat(updates).isEqualTo(9); // at 60, 120, ..., 540 s: one per 60 s of event time
        assertThat(events).hasSize(10);
        assertThat(events).extracting(e -> e.incident().id()).containsOnly(events.get(0).incident().id());
        IncidentState last = events.get(events.size() - 1).incident();
        assertThat(last.count()).isEqualTo(541);
        assertThat(last.peakScore()).isEqualTo(52f);
        assertThat(last.first().offset()).isEqualTo(0);
        assertThat(t.openCount()).isEqualTo(1);
        // one store write per flush per changed incident (and the task's stream time), not one per anomaly
        assertThat(store.writes).isEqualTo(2);
    }

    @Test
    void stillQuietForTheQuietTimeInStreamTimeResolvesAndTheNextAnomalyOpensANewIncident() {
        IncidentTracker t = new IncidentTracker(SETTINGS, store);
        record(t, "host-1", 0, true, 5);
        record(t, "host-1", 10, true, 6);
        record(t, "host-2", 309, false, 0.1f);
        assertThat(kinds()).containsExactly("opened:host-1");
        record(t, "host-2", 310, false, 0.1f); // stream time reaches 10 + 300
        assertThat(kinds()).containsExactly("opened:host-1", "resolved:host-1");
        IncidentEvent resolved = events.get(1);
        assertThat(resolved.resolution()).isEqualTo(Resolution.QUIET);
        assertThat(resolved.at()).isEqualTo(310_000);
        assertThat(resolved.incident().count()).isEqualTo(2);
        record(t, "host-1", 400, true, 5);
        assertThat(kinds()).containsExactly("opened:host-1", "resolved:host-1", "opened:host-1");
        assertThat(events.get(2).incident().id()).isNotEqualTo(events.get(0).incident().id());
        t.flush();
        assertThat(store.map).hasSize(2).containsKey(IncidentTracker.STREAM_TIME_KEY);
    }

    @Test
    void anAnomalyAfterTheQuietTimeOfItsOwnEntityResolvesBeforeOpening() {
        IncidentTracker t = new IncidentTracker(SETTINGS, store);
        record(t, "host-1", 0, true, 5);
        record(t, "host-1", 400, true, 5);
        assertThat(kinds()).containsExactly("opened:host-1", "resolved:host-1", "opened:host-1");
        assertThat(events.get(1).at()).isEqualTo(300_000);
    }

    @Test
    void normalRecordsInARowResolveWhenConfigured() {
        IncidentSettings byNormals = new IncidentSettings(AlertMode.INCIDENT, IncidentEntity.KEY, Duration.ofSeconds(60),
                Duration.ofSeconds(300), 3, Optional.empty(), IncidentFormat.KADE, false, List.of());
        IncidentTracker t = new IncidentTracker(byNormals, store);
        record(t, "host-1", 0, true, 5);
        record(t, "host-1", 1, false, 0);
        record(t, "host-1", 2, false, 0);
        record(t, "host-1", 3, true, 5); // an anomaly starts the count again
        record(t, "host-1", 4, false, 0);
        record(t, "host-1", 5, false, 0);
        assertThat(kinds()).containsExactly("opened:host-1");
        record(t, "host-1", 6, false, 0);
        assertThat(kinds()).containsExactly("opened:host-1", "resolved:host-1");
        assertThat(events.get(1).resolution()).isEqualTo(Resolution.NORMAL_RECORDS);
        assertThat(events.get(1).incident().count()).isEqualTo(2);
        t.flush();
        assertThat(store.map).isEmpty();
    }

    @Test
    void aRestartedTaskContinuesItsOpenIncidentsFromTheStoreUnderTheSameId() {
        IncidentTracker before = new IncidentTracker(SETTINGS, store);
        record(before, "host-1", 0, true, 5);
        record(before, "host-1", 30, true, 7);
        before.flush();
        String id = events.get(0).incident().id();
        events.clear();

        IncidentTracker after = new IncidentTracker(SETTINGS, store);
        assertThat(after.openCount()).isEqualTo(1);
        record(after, "host-1", 61, true, 3);
        assertThat(kinds()).containsExactly("updated:host-1");
        assertThat(events.get(0).incident().id()).isEqualTo(id);
        assertThat(events.get(0).incident().count()).isEqualTo(3);
        assertThat(events.get(0).incident().peakScore()).isEqualTo(7f);
        record(after, "host-2", 400, false, 0);
        assertThat(kinds()).containsExactly("updated:host-1", "resolved:host-1");
    }

    @Test
    void theSameRecordsGiveTheSameEventsAndIds() {
        List<IncidentEvent> first = replay();
        List<IncidentEvent> second = replay();
        assertThat(second).isEqualTo(first);
        assertThat(first).isNotEmpty();
    }

    private List<IncidentEvent> replay() {
        List<IncidentEvent> out = new ArrayList<>();
        IncidentTracker t = new IncidentTracker(SETTINGS, new MapStore());
        long o = 0;
        for (int s = 0; s < 2000; s++) {
            boolean anomaly = s % 7 == 0 && s % 1000 < 300;
            t.observe("host-" + (s % 3), "v1", "reconstruction", new Source("in", 1, o++), s * 1000L, anomaly, s, TOP, out);
        }
        return out;
    }

    @Test
    void theIdDependsOnEntityModelAndFirstRecordOnly() {
        Source first = new Source("in", 2, 77);
        assertThat(IncidentIds.of("host-1", "v1", first)).hasSize(32).isEqualTo(IncidentIds.of("host-1", "v1", first))
                .isNotEqualTo(IncidentIds.of("host-1", "v2", first))
                .isNotEqualTo(IncidentIds.of("host-2", "v1", first))
                .isNotEqualTo(IncidentIds.of("host-1", "v1", new Source("in", 2, 78)));
    }

    @Test
    void stateSurvivesItsByteCodecAndForeignBytesAreRefused() {
        IncidentState s = IncidentState.open("hôst-1", "v1", "ensemble", new Source("t", 3, 9), 1234, 4.5f, TOP)
                .anomaly(new Source("t", 3, 12), 2000, 9f, List.of("cpu")).normal();
        assertThat(IncidentState.fromBytes(s.toBytes())).isEqualTo(s);
        assertThatThrownBy(() -> IncidentState.fromBytes(new byte[] {9, 1, 2})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IncidentState.fromBytes(new byte[] {1, 0, 0})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anomaliesInAMuteWindowOpenNoIncidentAndTheEntityAlertsNormallyAfterIt() {
        IncidentSettings muting = new IncidentSettings(AlertMode.INCIDENT, IncidentEntity.KEY, Duration.ofSeconds(60),
                Duration.ofSeconds(300), 0, Optional.empty(), IncidentFormat.KADE, false,
                List.of(MuteRule.parse("db-*@1970-01-01T00:01:40Z/1970-01-01T00:03:20Z")));
        IncidentTracker t = new IncidentTracker(muting, store);
        List<Boolean> muted = new ArrayList<>();
        for (int s = 100; s < 200; s++) {
            t.observe("db-1", "v1", "ae", new Source("in", 0, offset++), s * 1000L, true, 5, TOP, events);
            muted.add(t.observe("web-1", "v1", "ae", new Source("in", 0, offset++), s * 1000L, false, 0, null, events));
        }
        assertThat(kinds()).as("no incident opens inside the window").isEmpty();
        assertThat(muted).containsOnly(false); // normal records are never "muted"
        assertThat(t.observe("db-1", "v1", "ae", new Source("in", 0, offset++), 199_999, true, 5, TOP, events)).isTrue();
        assertThat(t.observe("web-1", "v1", "ae", new Source("in", 0, offset++), 150_000, true, 5, TOP, events))
                .as("another entity is not muted").isFalse();
        assertThat(kinds()).containsExactly("opened:web-1");
        assertThat(t.observe("db-1", "v1", "ae", new Source("in", 0, offset++), 200_000, true, 5, TOP, events)).isFalse();
        assertThat(kinds()).containsExactly("opened:web-1", "opened:db-1");
    }

    @Test
    void muteRulesParseAndRefuseWhatIsNotAWindow() {
        MuteRule all = MuteRule.parse(" *@2026-12-03T02:00:00Z/2026-12-03T04:00:00Z ");
        long inside = java.time.Instant.parse("2026-12-03T03:00:00Z").toEpochMilli();
        assertThat(all.mutes("anything at all", inside)).isTrue();
        assertThat(all.mutes("x", java.time.Instant.parse("2026-12-03T04:00:00Z").toEpochMilli())).as("end excluded").isFalse();
        MuteRule one = MuteRule.parse("host-?@2026-12-03T02:00:00Z/2026-12-03T04:00:00Z");
        assertThat(one.mutes("host-7", inside)).isTrue();
        assertThat(one.mutes("host-17", inside)).isFalse();
        assertThat(MuteRule.parse("a.b@2026-12-03T02:00:00Z/2026-12-03T04:00:00Z").mutes("axb", inside))
                .as("only * and ? are special").isFalse();
        assertThatThrownBy(() -> MuteRule.parse("host-1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ENTITY_PATTERN@START/END");
        assertThatThrownBy(() -> MuteRule.parse("h@2026-12-03T04:00:00Z/2026-12-03T02:00:00Z"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before it starts");
        assertThatThrownBy(() -> MuteRule.parse("h@tomorrow/2026-12-03T02:00:00Z")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void topFeaturesAreTheLargestErrorsFirst() {
        assertThat(TopFeatures.of(List.of("a", "b", "c", "d"), new float[] {9, 1, 5, 3, 5, 0}, 2, 3))
                .containsExactly("a", "c", "b");
    }
}
