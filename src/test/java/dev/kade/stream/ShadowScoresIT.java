package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.ScoringApp;
import dev.kade.config.LifecycleKeys;
import dev.kade.config.ProcessingGuarantee;
import dev.kade.testing.SharedKafka;
import dev.kade.testing.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code model.shadow.scores.topic} on a real broker under {@code exactly_once_v2}: a running kade with a shadow sends,
 * read {@code read_committed} to the end, exactly one shadow score record (the shadow's version) for each input record
 * the serving model scored, naming that input's partition and offset, none for a dead-lettered one, and its alerts
 * are the serving model's alone.
 */
class ShadowScoresIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDS = 1500;
    @RegisterExtension
    static final SharedKafka BROKER = new SharedKafka();

    @Test
    void everyScoredRecordHasExactlyOneShadowScoreRecordInTheSameTransactions(@TempDir Path dir) throws Exception {
        String bootstrap = BROKER.kafka().bootstrapServers();
        String prefix = SharedKafka.unique("shadow-scores");
        ScoringScenario.createTopics(bootstrap, 3, prefix + "-in", prefix + "-alerts", prefix + "-scores", prefix + "-dlq",
                prefix + "-shadow-scores");
        Path model = TestModels.writeModel(dir.resolve("model.onnx"), "champion-1");
        Path shadow = TestModels.writeModel(dir.resolve("shadow.onnx"), "challenger-1");
        Map<String, String> extra = new HashMap<>(Map.of(LifecycleKeys.MODEL_SHADOW_PATH, shadow.toString(),
                LifecycleKeys.MODEL_SHADOW_SCORES_TOPIC, prefix + "-shadow-scores"));
        ScoringScenario.Injected injected;
        try (ScoringApp app = ScoringApp.start(ScoringScenario.config(bootstrap, prefix, model, ProcessingGuarantee.EXACTLY_ONCE_V2,
                extra))) {
            assertThat(app.awaitReady(Duration.ofSeconds(60))).as("ready").isTrue();
            injected = ScoringScenario.produce(bootstrap, prefix + "-in", RECORDS, 11);
            await().atMost(Duration.ofSeconds(120)).until(() -> app.counts().in() >= RECORDS);
        }
        List<ConsumerRecord<byte[], byte[]>> scores = ScoringScenario.consumeToEnd(bootstrap, prefix + "-scores", Duration.ofSeconds(30));
        List<ConsumerRecord<byte[], byte[]>> shadowScores = ScoringScenario.consumeToEnd(bootstrap, prefix + "-shadow-scores",
                Duration.ofSeconds(30));
        List<ConsumerRecord<byte[], byte[]>> dead = ScoringScenario.consumeToEnd(bootstrap, prefix + "-dlq", Duration.ofSeconds(30));
        List<ConsumerRecord<byte[], byte[]>> alerts = ScoringScenario.consumeToEnd(bootstrap, prefix + "-alerts", Duration.ofSeconds(30));

        assertThat(scores.size() + dead.size()).as("in = scored + dead-lettered").isEqualTo(RECORDS);
        Map<String, Integer> champion = bySource(scores, "champion-1");
        Map<String, Integer> challenger = bySource(shadowScores, "challenger-1");
        assertThat(champion).hasSize(scores.size()).allSatisfy((source, n) -> assertThat(n).as(source).isEqualTo(1));
        assertThat(challenger).as("one shadow score record per scored input record, none lost, none duplicated")
                .isEqualTo(champion);
        assertThat(ScoringScenario.keys(shadowScores)).doesNotContainAnyElementsOf(ScoringScenario.keys(dead))
                .doesNotContainAnyElementsOf(injected.malformed());
        assertThat(ScoringScenario.keys(alerts)).as("alerts come from the serving model only").isEqualTo(injected.anomalies());
        assertThat(alerts).allSatisfy(a -> assertThat(JSON.readTree(a.value()).toString()).contains("champion-1")
                .doesNotContain("challenger-1"));
    }

    /** Each record's input source (partition/offset) and how often it occurs; every record must name {@code version}. */
    private static Map<String, Integer> bySource(List<ConsumerRecord<byte[], byte[]>> records, String version) throws Exception {
        Map<String, Integer> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode v = JSON.readTree(r.value());
            assertThat(v.path("model_version").asText()).isEqualTo(version);
            JsonNode s = v.path("source");
            out.merge(s.path("partition").asInt() + "/" + s.path("offset").asLong(), 1, Integer::sum);
        }
        return out;
    }
}
