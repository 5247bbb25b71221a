package dev.kade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.app.TopicsAtStart;
import dev.kade.config.KadeConfig;
import dev.kade.kafka.EmbeddedKafka;
import dev.kade.testing.SharedKafka;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code kade topics} and {@code run}'s topic check against a real broker. */
class TopicsCommandIT {
    @RegisterExtension
    static final SharedKafka KAFKA = new SharedKafka();


    private record Result(int exit, String out, String err) {}

    private static Result topics(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(java.util.stream.Stream.concat(java.util.stream.Stream.of("topics"), java.util.stream.Stream.of(args))
                        .toArray(String[]::new));
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void checksThenCreatesEveryTopicWithPartitionsAndConfigsThenFindsThemAll() throws Exception {
        EmbeddedKafka kafka = KAFKA.kafka();
        String prefix = SharedKafka.unique("t");
        String inA = prefix + "-in-a";
        String inB = prefix + "-in-b";
        String alerts = prefix + "-alerts";
        String scores = prefix + "-scores";
        String dlqTopic = prefix + "-dlq";
        try (Admin admin = kafka.admin()) {
            String[] common = {"--bootstrap-servers", kafka.bootstrapServers(), "--input-topics", inA + "," + inB,
                "-s", "scores.topic=" + scores, "-s", "alert.topic=" + alerts, "-s", "dead.letter.topic=" + dlqTopic};

            Result check = topics(concat(common, "--check"));
            assertThat(check.exit()).as(check.err()).isEqualTo(1);
            assertThat(check.err()).contains("missing [" + String.join(", ", inA, inB, alerts, scores, dlqTopic) + "]");
            assertThat(admin.listTopics().names().get()).doesNotContain(inA, alerts);

            Result create = topics(concat(common, "--partitions", "3", "--topic-config", "retention.ms=3600000"));
            assertThat(create.exit()).as(create.err()).isZero();
            assertThat(create.out()).contains("created").contains("input partitions: 3");
            Map<String, TopicDescription> d = admin.describeTopics(List.of(inA, inB, alerts, scores, dlqTopic))
                    .allTopicNames().get();
            assertThat(d.values()).allSatisfy(t -> assertThat(t.partitions()).hasSize(3));
            Config dlq = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, dlqTopic)))
                    .all().get().values().iterator().next();
            assertThat(dlq.get("retention.ms").value()).isEqualTo("3600000");

            Result again = topics(concat(common, "--check"));
            assertThat(again.exit()).as(again.err()).isZero();
            assertThat(again.out()).doesNotContain("created").contains("exists");
        }
    }

    @Test
    void badOptionsExitTwoNamingThem() {
        Result r = topics("--bootstrap-servers", "127.0.0.1:1", "--input-topics", "x", "--partitions", "0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--partitions");
        Result noInput = topics("--bootstrap-servers", "127.0.0.1:1");
        assertThat(noInput.exit()).isEqualTo(2);
        assertThat(noInput.err()).contains("input.topics");
    }

    @Test
    void runRefusesAMissingInputTopicWithoutWaitNamingItAndCreatesOutputsWhenAsked() throws Exception {
        EmbeddedKafka kafka = KAFKA.kafka();
        String nowhere = SharedKafka.unique("nowhere");
        String somewhere = SharedKafka.unique("somewhere");
        String notMade = SharedKafka.unique("not-made");
        String alerts = SharedKafka.unique("kade-alerts");
        String deadLetters = SharedKafka.unique("kade-dead-letters");
        try (Admin admin = kafka.admin()) {
            KadeConfig missingInput = KadeConfig.fromMap(Map.of(KadeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    KadeConfig.INPUT_TOPICS, nowhere, KadeConfig.ALERT_TOPIC, alerts, KadeConfig.DEAD_LETTER_TOPIC, deadLetters,
                    KadeConfig.MODEL_PATH, "m.onnx", KadeConfig.TOPICS_CREATE, "true",
                    KadeConfig.TOPICS_WAIT_MS, "0"));
            Optional<String> problem = TopicsAtStart.prepare(missingInput);
            assertThat(problem).hasValueSatisfying(p -> assertThat(p).contains("[" + nowhere + "]").contains("input.topics")
                    .contains("topics.create=true").contains("topics.wait.ms=0"));
            // by default run goes on and waits for the input (MissingInputTopicIT), outputs still checked first
            KadeConfig waiting = KadeConfig.fromMap(Map.of(KadeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    KadeConfig.INPUT_TOPICS, nowhere, KadeConfig.ALERT_TOPIC, alerts, KadeConfig.DEAD_LETTER_TOPIC, deadLetters,
                    KadeConfig.MODEL_PATH, "m.onnx", KadeConfig.TOPICS_CREATE, "true"));
            assertThat(TopicsAtStart.prepare(waiting)).isEmpty();
            // outputs were created (topics.create=true), the input never is
            assertThat(admin.listTopics().names().get()).contains(alerts, deadLetters).doesNotContain(nowhere);

            kafka.createTopics(2, somewhere);
            KadeConfig ok = KadeConfig.fromMap(Map.of(KadeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    KadeConfig.INPUT_TOPICS, somewhere, KadeConfig.ALERT_TOPIC, alerts, KadeConfig.DEAD_LETTER_TOPIC, deadLetters,
                    KadeConfig.MODEL_PATH, "m.onnx"));
            assertThat(TopicsAtStart.prepare(ok)).isEmpty();

            // a missing output topic without topics.create: run waits for it (ScoringApp), or with
            // topics.wait.ms=0 refuses at once, naming it and the setting that would create it
            KadeConfig noOutputs = KadeConfig.fromMap(Map.of(KadeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    KadeConfig.INPUT_TOPICS, somewhere, KadeConfig.ALERT_TOPIC, notMade, KadeConfig.DEAD_LETTER_TOPIC, deadLetters,
                    KadeConfig.MODEL_PATH, "m.onnx"));
            assertThat(TopicsAtStart.prepare(noOutputs)).isEmpty();
            KadeConfig strict = KadeConfig.fromMap(Map.of(KadeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    KadeConfig.INPUT_TOPICS, somewhere, KadeConfig.ALERT_TOPIC, notMade, KadeConfig.DEAD_LETTER_TOPIC, deadLetters,
                    KadeConfig.MODEL_PATH, "m.onnx",
                    KadeConfig.TOPICS_WAIT_MS, "0"));
            assertThat(TopicsAtStart.prepare(strict)).hasValueSatisfying(p -> assertThat(p).contains("[" + notMade + "]")
                    .contains("topics.create=true").contains("topics.wait.ms=0"));
            assertThat(admin.listTopics().names().get()).doesNotContain(notMade);
        }
    }

    private static String[] concat(String[] a, String... b) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray(String[]::new);
    }

}
