package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.config.KadeConfig;
import dev.kade.export.WindowedExporter;
import dev.kade.model.ModelKind;
import dev.kade.onnx.OnnxModel;
import dev.kade.series.SeriesSpec;
import dev.kade.stream.WindowedApp.In;
import dev.kade.testing.SharedKafka;
import dev.kade.train.SeriesFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windows continue across a rebalance on a real broker under {@code exactly_once_v2}: two kade instances of one
 * application (two {@code KafkaStreams}, state directories of their own) over an input of four partitions. The
 * first runs alone for a third of the input; the second joins and takes tasks (restoring their entity stores from
 * the changelog, written by the first); the first leaves and the second takes the rest (restoring again). Every
 * record is scored exactly once, and each score, likelihood and anomaly score is identical, bit for bit, to a
 * single uninterrupted instance's over the same input. The model is a real exported windowed ONNX model (W = 8).
 */
class WindowedRebalanceIT {
    @RegisterExtension
    static final SharedKafka KAFKA = new SharedKafka();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 4;
    private static final int ENTITIES = 12;
    private static final int RECORDS = 960;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * A task moves to the joining instance at once, restoring from the changelog, rather than after it warmed up a
     * replica and a probing rebalance ran (10 min by default): every lag here is below this.
     */
    private static final Map<String, Object> MOVE_AT_ONCE = Map.of(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, 1_000_000L);

    @TempDir
    Path dir;

    @Test
    void scoresAcrossTwoRebalancesAreThoseOfAnUninterruptedInstanceRecordForRecord() throws Exception {
        String bootstrap = KAFKA.bootstrapServers();
        String in = SharedKafka.unique("wri-in");
        String single = in + "-single";
        WindowedApp.createTopics(bootstrap, PARTITIONS, in, single);
        Path modelFile = dir.resolve("model.onnx");
        WindowedExporter.export(SeriesFixtures.train(SeriesSpec.of(8, 1), ModelKind.AE, false), modelFile);
        List<In> records = records();
        // the uninterrupted run reads all of it from a copy of the input (same partitions: keyed alike)
        WindowedApp.produce(bootstrap, single, records);
        Map<String, String> settings = Map.of("series.likelihood.learning.period", "20", "batch.max.wait.ms", "2000",
                "model.path", modelFile.toString());
        String group = SharedKafka.unique("wri-app");
        KadeConfig first = WindowedApp.config(bootstrap, in, group, dir.resolve("state-1"), settings);
        KadeConfig second = WindowedApp.config(bootstrap, in, group, dir.resolve("state-2"), settings);
        KadeConfig alone = WindowedApp.config(bootstrap, single, SharedKafka.unique("wri-single-app"), dir.resolve("state-s"), settings);
        int third = RECORDS / 3;
        try (ModelRegistry models = ModelRegistry.of(OnnxModel.load(modelFile));
             WindowedApp uninterrupted = WindowedApp.start(alone, models, MOVE_AT_ONCE);
             WindowedApp.Reader out = new WindowedApp.Reader(bootstrap, in + "-scores", single + "-scores")) {
            WindowedApp one = WindowedApp.start(first, models, MOVE_AT_ONCE);
            WindowedApp two = null;
            try {
                WindowedApp.produce(bootstrap, in, records.subList(0, third));
                out.atLeast(WAIT, in + "-scores", third);

                // the second instance joins: tasks move to it, their stores restored from the changelog
                two = WindowedApp.start(second, models, MOVE_AT_ONCE);
                WindowedApp joined = two;
                WindowedApp.await(WAIT, "the second instance to run tasks", () -> joined.hasActiveTasks() && one.hasActiveTasks());
                WindowedApp.produce(bootstrap, in, records.subList(third, 2 * third));
                out.atLeast(WAIT, in + "-scores", 2 * third);
                assertThat(one.metrics.counts().scored()).as("scored by the first instance").isPositive();
                WindowedApp.await(WAIT, "the second instance to score", () -> joined.metrics.counts().scored() > 0);
                long restoredOnJoin = two.restored.get();
                assertThat(restoredOnJoin).as("entity-store records the joining instance restored from the changelog").isPositive();

                // the first leaves: the second takes its tasks, restoring them too
                one.close();
                WindowedApp.produce(bootstrap, in, records.subList(2 * third, RECORDS));
                out.atLeast(WAIT, in + "-scores", RECORDS);
                assertThat(two.restored.get()).as("restored again when the first instance left").isGreaterThan(restoredOnJoin);
            } finally {
                one.close();
                if (two != null) {
                    two.close();
                }
            }
            out.atLeast(WAIT, single + "-scores", RECORDS).settle(Duration.ofSeconds(1));
            Map<String, String> moved = scores(out.values(in + "-scores"));
            Map<String, String> reference = scores(out.values(single + "-scores"));
            assertThat(reference).hasSize(RECORDS);
            assertThat(moved).as("every record scored exactly once across the rebalances").hasSize(RECORDS);
            List<String> differing = reference.keySet().stream().filter(k -> !reference.get(k).equals(moved.get(k))).sorted().limit(10)
                    .map(k -> k + ": uninterrupted " + reference.get(k) + ", rebalanced " + moved.get(k)).toList();
            assertThat(differing).as("records whose score, likelihood or anomaly score differ from the uninterrupted run").isEmpty();
            assertThat(reference.values()).as("records past warm-up and learning").anyMatch(v -> v.endsWith("|false") && !v.contains("|null|"));
        }
    }

    /** Entities on levels decades apart, interleaved in time, keyed by entity; a spike in each halfway. */
    private static List<In> records() {
        SplittableRandom random = new SplittableRandom(5);
        long t0 = WindowedApp.recentT0();
        List<In> records = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            int e = i % ENTITIES;
            double level = Math.pow(10, e % 4);
            double v = level * (1 + 0.1 * Math.sin(2 * Math.PI * (i / ENTITIES) / 12.0) + 0.01 * random.nextGaussian())
                    + (i == RECORDS / 2 + e ? 5 * level : 0);
            records.add(new In("entity-" + e, t0 + 1000L * i, "{\"v0\":" + v + "}"));
        }
        return records;
    }

    /** Each score record by source partition and offset: entity, score, likelihood, anomaly score, warming up; no duplicates. */
    private static Map<String, String> scores(List<String> values) throws Exception {
        Map<String, String> m = new HashMap<>();
        for (String v : values) {
            JsonNode s = JSON.readTree(v);
            String key = s.get("source").get("partition").asInt() + "@" + s.get("source").get("offset").asLong();
            String value = s.get("entity").asText() + "|" + s.get("score").asText() + "|" + s.get("likelihood").asText() + "|"
                    + s.get("anomaly_score").asText() + "|" + s.get("warming_up").asBoolean();
            assertThat(m.put(key, value)).as("duplicate score for %s", key).isNull();
        }
        return m;
    }
}
