package dev.kade.stream;

import dev.kade.app.ScoringApp;
import dev.kade.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What the incident-path broker tests ({@link IncidentIT}, {@link MuteIT}, {@link FeedbackIT}, {@link BudgetIT})
 * share: a real {@link ScoringApp}'s settings in {@code alerts.mode=incident} (incidents per record key, a 60 s quiet
 * time) under {@code exactly_once_v2} with a 100 ms commit interval, topics named by a prefix as in
 * {@link ScoringScenario} ({@code PREFIX-in}, {@code -alerts}, {@code -dlq}), the compacted control topics they read,
 * and input records on one partition.
 */
final class IncidentScenario {
    private IncidentScenario() {
    }

    /**
     * The app's settings for topics named by {@code prefix}, over the test model (version {@code it-v1}) written to
     * {@code dir}, its state under {@code dir}; a test adds its own (a scores topic, a control topic).
     */
    static Map<String, String> settings(String bootstrap, String prefix, Path dir) {
        Path model = TestModels.writeModel(dir.resolve("model.onnx"), "it-v1");
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", bootstrap);
        m.put("application.id", prefix + "-app");
        m.put("input.topics", prefix + "-in");
        m.put("alert.topic", prefix + "-alerts");
        m.put("dead.letter.topic", prefix + "-dlq");
        m.put("model.path", model.toString());
        m.put("metrics.port", "0");
        m.put("kafka.commit.interval.ms", "100");
        m.put("kafka.state.dir", dir.resolve("state").toString());
        m.put("processing.guarantee", "exactly_once_v2");
        m.put("alerts.mode", "incident");
        m.put("alerts.incident.entity", "key");
        m.put("alerts.incident.quiet.ms", "60000");
        return m;
    }

    /** Creates a compacted topic of one partition: a control topic (mute rules, feedback labels). */
    static void createControlTopic(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * An input record of {@code key} and {@code value} at {@code at}, on partition 0 of {@code PREFIX-in}: one partition
     * for all hosts, so that one host's records advance the stream time of the others' task.
     */
    static ProducerRecord<byte[], byte[]> record(String prefix, String key, String value, long at) {
        return new ProducerRecord<>(prefix + "-in", 0, at, bytes(key), bytes(value));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
