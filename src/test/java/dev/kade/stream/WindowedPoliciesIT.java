package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.entity.EntityKey;
import dev.kade.entity.EntityStore;
import dev.kade.metrics.KadeMetrics;
import dev.kade.output.DeadLetterHeaders;
import dev.kade.stream.WindowedApp.In;
import dev.kade.testing.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-entity policies of a windowed model on a real broker under {@code exactly_once_v2}, observed where a
 * user observes them: on the output topics, in the entity store's changelog topic and in the metrics. Idle expiry
 * (tombstones for the idle entities and none for the live ones, bounded sweeps, an entity that returns warms up
 * again), late and out-of-order records under both policies (scored without moving the window, or dead-lettered
 * as {@code late_record}; the counts add up), and warm-up (flagged, never alerting, counted; imputed windows after
 * the minimum). The model is {@link dev.kade.testing.WindowedTestScorer} (W = 4, plain Java): what is tested here
 * is the stream around it. {@code WindowedTopologyTest} checks the same rules in {@code TopologyTestDriver}.
 */
class WindowedPoliciesIT {
    @RegisterExtension
    static final SharedKafka KAFKA = new SharedKafka();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int W = 4;
    private static final Duration WAIT = Duration.ofSeconds(45);

    @TempDir
    Path dir;

    @Test
    void idleEntitiesLeaveTheStoreAsChangelogTombstonesAndComeBackWarmingUp() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        String in = SharedKafka.unique("wpi-expiry");
        WindowedApp.createTopics(bootstrap, 1, in);
        String appId = SharedKafka.unique("wpi-expiry-app");
        long t0 = WindowedApp.recentT0();
        List<In> records = new ArrayList<>();
        List<String> idle = List.of("idle-0", "idle-1", "idle-2");
        List<String> busy = List.of("busy-0", "busy-1");
        for (int i = 0; i < idle.size(); i++) {
            records.add(In.of(idle.get(i), t0 + 1000L * i, 1 + i));
        }
        // four minutes of event time in which the busy entities write every 10 s: never a minute idle
        for (long s = 10; s <= 240; s += 10) {
            records.add(In.of(busy.get(0), t0 + 1000L * s, 5));
            records.add(In.of(busy.get(1), t0 + 1000L * s + 5000, 6));
        }
        try (ModelRegistry models = WindowedApp.testModel(W);
             WindowedApp app = WindowedApp.start(WindowedApp.config(bootstrap, in, appId, dir, Map.of(
                     "series.idle.expiry.ms", "60000", "series.expiry.sweep.interval.ms", "1000",
                     // two entities a sweep: the five are expired over several bounded sweeps, never in one scan
                     "series.expiry.sweep.max.entities", "2")), models, Map.of());
             WindowedApp.Reader out = new WindowedApp.Reader(bootstrap, in + "-scores")) {
            WindowedApp.produce(bootstrap, in, records);
            out.atLeast(WAIT, in + "-scores", records.size());
            WindowedApp.await(WAIT, "three expiries", () -> expired(app) >= 3);

            String changelog = appId + "-" + ScoringTopology.ENTITY_STORE + "-changelog";
            try (WindowedApp.Reader log = new WindowedApp.Reader(bootstrap, changelog)) {
                log.until(WAIT, "tombstones of " + idle + " in " + changelog, () -> tombstoned(log, changelog).containsAll(storeKeys(idle)));
                log.settle(Duration.ofSeconds(1));
                Set<Bytes> gone = tombstoned(log, changelog);
                assertThat(gone).as("tombstones in the changelog").containsExactlyInAnyOrderElementsOf(storeKeys(idle));
                assertThat(log.records(changelog)).as("the live entities' states are in the changelog")
                        .anyMatch(r -> Bytes.wrap(r.key()).equals(storeKeys(busy).get(0)) && r.value() != null);
            }
            assertThat(expired(app)).isEqualTo(3);
            assertThat(app.meters.get(KadeMetrics.SERIES_CREATED).counter().count()).isEqualTo(5);

            // an expired entity that returns is a new one: it warms up again
            WindowedApp.produce(bootstrap, in, List.of(In.of("idle-0", t0 + 241_000, 1)));
            out.atLeast(WAIT, in + "-scores", records.size() + 1);
            JsonNode back = JSON.readTree(out.values(in + "-scores").get(records.size()));
            assertThat(back.get("entity").asText()).isEqualTo("idle-0");
            assertThat(back.get("warming_up").asBoolean()).isTrue();
            WindowedApp.await(WAIT, "the returning entity counted as new",
                    () -> app.meters.get(KadeMetrics.SERIES_CREATED).counter().count() == 6);
            assertThat(expired(app)).as("a deleted entity that returns is not expired twice").isEqualTo(3);
            assertThat(app.metrics.counts().in()).isEqualTo(app.metrics.counts().scored()).isEqualTo(records.size() + 1);
        }
    }

    @Test
    void lateRecordsAreScoredWithoutMovingTheWindowOrDeadLetteredAndTheCountsAddUp() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        String in = SharedKafka.unique("wpi-late");
        String inDead = in + "-dl";
        WindowedApp.createTopics(bootstrap, 1, in, inDead);
        long t0 = WindowedApp.recentT0();
        List<In> records = new ArrayList<>();
        for (int i = 0; i < W; i++) {
            records.add(In.of("a", t0 + 1000L * (10 + i), 1 + i));
        }
        records.add(In.of("a", t0 + 5_000, 100));    // late: older than a's newest; a wild value that would move the window
        records.add(In.of("a", t0 + 14_000, 5));
        records.add(In.of("a", t0 + 14_000, 6));     // the same time as a's newest: in order
        records.add(In.of("b", t0 + 20_000, 7));
        records.add(In.of("a", t0 + 12_000, 70));    // out of order within a
        records.add(In.of("b", t0 + 19_000, -50));   // late for b (though newer than a's newest)
        records.add(In.of("c", t0 + 1_000, 3));      // older than every record so far, but c's first: in order
        records.add(In.of(null, t0 + 21_000, 1));    // no entity: a dead letter under either policy
        records.add(In.of("a", t0 + 15_000, 8));
        records.add(In.of("b", t0 + 21_000, 9));
        Set<Integer> late = Set.of(W, W + 4, W + 5);
        int noEntity = W + 7;
        // the same input through two apps, one per policy
        WindowedApp.produce(bootstrap, in, records);
        WindowedApp.produce(bootstrap, inDead, records);
        Map<String, String> common = Map.of("series.likelihood.learning.period", "0");
        Map<String, String> dead = new HashMap<>(common);
        dead.put("series.late", "dead_letter");
        try (ModelRegistry models = WindowedApp.testModel(W);
             WindowedApp scoring = WindowedApp.start(WindowedApp.config(bootstrap, in, SharedKafka.unique("wpi-late-app"),
                     dir.resolve("score"), common), models, Map.of());
             WindowedApp deadLettering = WindowedApp.start(WindowedApp.config(bootstrap, inDead,
                     SharedKafka.unique("wpi-late-dl-app"), dir.resolve("dead"), dead), models, Map.of());
             WindowedApp.Reader out = new WindowedApp.Reader(bootstrap, in + "-scores", in + "-dlq", inDead + "-scores", inDead + "-dlq")) {
            out.atLeast(WAIT, in + "-scores", records.size() - 1).atLeast(WAIT, in + "-dlq", 1)
                    .atLeast(WAIT, inDead + "-scores", records.size() - 1 - late.size())
                    .atLeast(WAIT, inDead + "-dlq", 1 + late.size())
                    .settle(Duration.ofSeconds(1));

            // policy score: every keyed record scored, exactly the late ones flagged; the keyless one dead-lettered
            Map<Long, JsonNode> scored = byOffset(out.values(in + "-scores"));
            assertThat(scored).hasSize(records.size() - 1);
            for (int i = 0; i < records.size(); i++) {
                if (i != noEntity) {
                    assertThat(scored.get((long) i).path("late").asBoolean(false)).as("record %d late", i).isEqualTo(late.contains(i));
                }
            }
            assertThat(reasons(out.records(in + "-dlq"))).containsExactly(Map.entry((long) noEntity, "no_entity"));

            // policy dead_letter: the late records are dead letters of their own reason, the rest scored
            Map<Long, JsonNode> scoredDead = byOffset(out.values(inDead + "-scores"));
            assertThat(scoredDead.keySet()).doesNotContainAnyElementsOf(late.stream().map(Integer::longValue).toList())
                    .hasSize(records.size() - 1 - late.size());
            Map<Long, String> expected = new HashMap<>();
            late.forEach(i -> expected.put((long) i, "late_record"));
            expected.put((long) noEntity, "no_entity");
            assertThat(reasons(out.records(inDead + "-dlq"))).containsExactlyInAnyOrderEntriesOf(expected);

            // a late record scored under policy score moved nothing: every in-order record scores exactly as under
            // dead_letter, where the late records never reached the window, the statistics or the likelihood
            for (Map.Entry<Long, JsonNode> e : scoredDead.entrySet()) {
                JsonNode s = scored.get(e.getKey());
                assertThat(s.get("score").asText() + "|" + s.get("likelihood").asText() + "|" + s.get("anomaly_score").asText())
                        .as("record %d under both policies", e.getKey())
                        .isEqualTo(e.getValue().get("score").asText() + "|" + e.getValue().get("likelihood").asText() + "|"
                                + e.getValue().get("anomaly_score").asText());
            }

            // counters: late counted under both policies, and in = scored + dead-lettered in each app
            for (WindowedApp app : List.of(scoring, deadLettering)) {
                WindowedApp.await(WAIT, "counts of " + app.config.applicationId(),
                        () -> app.metrics.counts().in() == records.size());
                assertThat(app.meters.get(KadeMetrics.SERIES_LATE).counter().count()).isEqualTo(late.size());
                KadeMetrics.Counts c = app.metrics.counts();
                assertThat(c.in()).isEqualTo(c.scored() + c.deadLettered());
            }
            assertThat(scoring.metrics.counts().deadLettered()).isEqualTo(1);
            assertThat(deadLettering.metrics.counts().deadLettered()).isEqualTo(1 + late.size());
            assertThat(deadLettering.meters.get(KadeMetrics.DEAD_LETTERS).tag("reason", "late_record").counter().count())
                    .isEqualTo(late.size());
        }
    }

    @Test
    void aNewEntityWarmsUpFlaggedWithoutAlertingThenImputesWhenSoConfigured() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        String in = SharedKafka.unique("wpi-warm");
        String inImpute = in + "-im";
        WindowedApp.createTopics(bootstrap, 1, in, inImpute);
        long t0 = WindowedApp.recentT0();
        List<In> records = new ArrayList<>();
        // each entity's first W-1 records are wild: outside its range, each would alert if it were judged
        double[] wild = {10, 1e6, -1e6};
        for (int i = 0; i < W - 1; i++) {
            records.add(In.of("n", t0 + 1000L * i, wild[i]));
            records.add(In.of("m", t0 + 1000L * i + 500, wild[i] / 10));
        }
        for (int i = W - 1; i < 8; i++) {
            records.add(In.of("n", t0 + 1000L * i, 10 + i % 2));
        }
        records.add(In.of("n", t0 + 9000, 1e9));     // past warm-up, far outside n's range: the alert that shows alerts work
        int control = records.size() - 1;
        WindowedApp.produce(bootstrap, in, records);
        WindowedApp.produce(bootstrap, inImpute, records);
        // the likelihood judges from the first record, and no hold-off hides a second alert
        Map<String, String> wait = Map.of("series.likelihood.learning.period", "0", "series.hold.off", "0");
        Map<String, String> impute = new HashMap<>(wait);
        impute.put("series.warmup", "impute");
        impute.put("series.warmup.min.steps", "2");
        try (ModelRegistry models = WindowedApp.testModel(W);
             WindowedApp waiting = WindowedApp.start(WindowedApp.config(bootstrap, in, SharedKafka.unique("wpi-warm-app"),
                     dir.resolve("wait"), wait), models, Map.of());
             WindowedApp imputing = WindowedApp.start(WindowedApp.config(bootstrap, inImpute,
                     SharedKafka.unique("wpi-warm-im-app"), dir.resolve("impute"), impute), models, Map.of());
             WindowedApp.Reader out = new WindowedApp.Reader(bootstrap, in + "-scores", in + "-alerts", inImpute + "-scores",
                     inImpute + "-alerts")) {
            out.atLeast(WAIT, in + "-scores", records.size()).atLeast(WAIT, in + "-alerts", 1)
                    .atLeast(WAIT, inImpute + "-scores", records.size()).settle(Duration.ofSeconds(1));

            // wait: the first W-1 records of each entity warm up, flagged, and none alerts; the control past warm-up does
            Map<Long, JsonNode> s = byOffset(out.values(in + "-scores"));
            List<Long> warming = s.entrySet().stream().filter(e -> e.getValue().get("warming_up").asBoolean()).map(Map.Entry::getKey)
                    .sorted().toList();
            assertThat(warming).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
            assertThat(s.values()).filteredOn(n -> n.get("warming_up").asBoolean()).noneMatch(n -> n.get("anomaly").asBoolean());
            List<Long> alerted = out.values(in + "-alerts").stream().map(a -> json(a).get("source").get("offset").asLong()).toList();
            assertThat(alerted).contains((long) control).doesNotContainAnyElementsOf(warming);
            assertThat(waiting.meters.get(KadeMetrics.SERIES_WARMUPS).counter().count()).isEqualTo(2 * (W - 1));
            assertThat(waiting.meters.get(KadeMetrics.SERIES_IMPUTED).counter().count()).isZero();

            // impute from 2 records on: each entity's first record warms up, its 2nd and 3rd are scored in earnest on a
            // padded window (flagged imputed, counted), so the wild ones alert
            Map<Long, JsonNode> im = byOffset(out.values(inImpute + "-scores"));
            assertThat(im.entrySet().stream().filter(e -> e.getValue().get("warming_up").asBoolean()).map(Map.Entry::getKey).sorted())
                    .containsExactly(0L, 1L);
            assertThat(im.entrySet().stream().filter(e -> e.getValue().path("imputed").asBoolean(false)).map(Map.Entry::getKey).sorted())
                    .containsExactly(2L, 3L, 4L, 5L);
            assertThat(imputing.meters.get(KadeMetrics.SERIES_WARMUPS).counter().count()).isEqualTo(2);
            assertThat(imputing.meters.get(KadeMetrics.SERIES_IMPUTED).counter().count()).isEqualTo(4);
            out.until(WAIT, "alerts on imputed windows", () -> out.values(inImpute + "-alerts").stream().map(WindowedPoliciesIT::json)
                    .anyMatch(a -> a.get("source").get("offset").asLong() < 2 * (W - 1)));
        }
    }

    private static double expired(WindowedApp app) {
        return app.meters.get(KadeMetrics.SERIES_EXPIRED).counter().count();
    }

    private static List<Bytes> storeKeys(List<String> entities) {
        return entities.stream().map(e -> EntityKey.ofRecordKey(e.getBytes(StandardCharsets.UTF_8)).storeKey()).toList();
    }

    private static Set<Bytes> tombstoned(WindowedApp.Reader log, String changelog) {
        Set<Bytes> keys = new java.util.HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : log.records(changelog)) {
            Bytes k = Bytes.wrap(r.key());
            if (r.value() == null && !k.equals(EntityStore.META_KEY)) {
                keys.add(k);
            }
        }
        return keys;
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Score records by their source offset (one input partition); a duplicate fails. */
    private static Map<Long, JsonNode> byOffset(List<String> values) {
        Map<Long, JsonNode> m = new HashMap<>();
        for (String v : values) {
            JsonNode n = json(v);
            assertThat(m.put(n.get("source").get("offset").asLong(), n)).as("duplicate score for %s", v).isNull();
        }
        return m;
    }

    /** Dead letters' source offsets and reasons. */
    private static Map<Long, String> reasons(List<ConsumerRecord<byte[], byte[]>> deadLetters) {
        Map<Long, String> m = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : deadLetters) {
            m.put(Long.parseLong(header(r, DeadLetterHeaders.SOURCE_OFFSET)), header(r, DeadLetterHeaders.REASON));
        }
        return m;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
