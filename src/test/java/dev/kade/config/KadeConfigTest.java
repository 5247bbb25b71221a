package dev.kade.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.app.StreamsSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KadeConfigTest {
    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", "broker:9092");
        m.put("input.topics", "metrics, events");
        m.put("model.path", "/models/model.onnx");
        return m;
    }

    @Test
    void appliesDocumentedDefaults() {
        KadeConfig c = KadeConfig.fromMap(minimal());
        assertThat(c.applicationId()).isEqualTo("kade");
        assertThat(c.inputTopics()).containsExactly("metrics", "events");
        assertThat(c.alertTopic()).isEqualTo("kade-alerts");
        assertThat(c.scoresTopic()).isEmpty();
        assertThat(c.deadLetterTopic()).isEqualTo("kade-dead-letters");
        assertThat(c.modelPollInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.processingGuarantee()).isEqualTo(ProcessingGuarantee.EXACTLY_ONCE_V2);
        assertThat(c.metricsPort()).isEqualTo(9404);
        assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.alertTopFeatures()).isEqualTo(3);
        assertThat(c.metricsBindAddress()).isEqualTo("0.0.0.0");
        assertThat(c.progressTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void atLeastOnceCommitsEverySecondUnlessToldOtherwise() {
        Map<String, String> m = minimal();
        m.put("processing.guarantee", "at_least_once");
        assertThat(StreamsSetup.properties(KadeConfig.fromMap(m)).get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo("1000");
        m.put("kafka.commit.interval.ms", "250");
        assertThat(StreamsSetup.properties(KadeConfig.fromMap(m)).get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo("250");
        assertThat(StreamsSetup.properties(KadeConfig.fromMap(minimal())).get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG))
                .as("exactly-once keeps Streams' 100 ms").isEqualTo("100");
    }

    @Test
    void progressTimeoutMustOutlastTheCommitInterval() {
        Map<String, String> m = minimal();
        m.put("processing.guarantee", "at_least_once");
        m.put("kafka.commit.interval.ms", "30000");
        m.put("health.progress.timeout.ms", "20000");
        assertThatThrownBy(() -> KadeConfig.fromMap(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("health.progress.timeout.ms").hasMessageContaining("commit interval");
        m.put("health.progress.timeout.ms", "45000");
        assertThat(KadeConfig.fromMap(m).progressTimeout()).isEqualTo(Duration.ofSeconds(45));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bootstrap.servers|",
        "input.topics|",
        "model.path|",
        "input.topics|bad topic!",
        "alert.topic|metrics",
        "dead.letter.topic|events",
        "scores.topic|a/b",
        "application.id|my app",
        "processing.guarantee|exactly_once",
        "metrics.port|70000",
        "metrics.port|nine",
        "model.poll.interval.ms|10",
        "shutdown.timeout.ms|0",
        "alert.top.features|-1",
        "metrics.bind.address|local host",
        "health.progress.timeout.ms|500",
        "kafka.bootstrap.servers|other:9092",
        "modle.path|/typo",
        "kafka.num.stream.threads|many",
        "kafka.num.stream.thread|2",
        "kafka.basic.auth.user.info|u:secret",
        "kafka.sasl.jaas.config|PlainLoginModule required username=",
        "batch.max.records|0",
        "batch.max.wait.ms|-1",
        "batch.max.records|10001",
        "batch.max.records|lots",
        "batch.max.wait.ms|60001",
        "model.max.bytes|12",
        "topics.create|maybe",
    })
    void badSettingFailsNamingTheKey(String key, String value) {
        Map<String, String> m = minimal();
        if (value == null) {
            m.remove(key);
        } else {
            m.put(key, value);
        }
        assertThatThrownBy(() -> KadeConfig.fromMap(m))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(key)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key))
                .satisfies(e -> {
                    if (value != null && !key.equals("kafka.bootstrap.servers") && !key.equals("modle.path")
                            && !key.startsWith("kafka.")) {
                        assertThat(e.getMessage()).contains(value);
                    }
                });
    }

    @Test
    void environmentOverridesFileAndOptionsOverrideEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kade.properties");
        Files.writeString(file, "bootstrap.servers=file:9092\ninput.topics=in\nmodel.path=/m.onnx\nmetrics.port=1111\n"
                + "alert.topic=from-file\n");
        Map<String, String> env = Map.of("KADE_BOOTSTRAP_SERVERS", "env:9092", "KADE_METRICS_PORT", "2222",
                "KADE_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required;",
                "KADE_PROCESSING_GUARANTEE", "at_least_once", "PATH", "/usr/bin");
        KadeConfig c = KadeConfig.load(Optional.of(file), env, Map.of("metrics.port", "3333"));
        assertThat(c.bootstrapServers()).isEqualTo("env:9092");
        assertThat(c.metricsPort()).isEqualTo(3333);
        assertThat(c.alertTopic()).isEqualTo("from-file");
        assertThat(c.processingGuarantee()).isEqualTo(ProcessingGuarantee.AT_LEAST_ONCE);
        assertThat(c.kafka()).containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required;");
        assertThat(c.describe()).doesNotContain("PlainLoginModule").contains("kafka.sasl.jaas.config=[redacted]");
    }

    @Test
    void unknownKadeEnvironmentVariableFailsNamingIt() {
        assertThatThrownBy(() -> KadeConfig.load(Optional.empty(), Map.of("KADE_MODEL_PATHH", "/x"), minimal()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("KADE_MODEL_PATHH").hasMessageStartingWith("model.pathh");
    }

    @Test
    void environmentVariableNamesFollowTheDocumentedMapping() {
        assertThat(KadeConfig.environmentVariable("bootstrap.servers")).isEqualTo("KADE_BOOTSTRAP_SERVERS");
        assertThat(KadeConfig.environmentVariable("kafka.sasl.jaas.config")).isEqualTo("KADE_KAFKA_SASL_JAAS_CONFIG");
        for (String key : KadeConfig.KEYS) {
            assertThat(KadeConfig.fromEnvironment(Map.of(KadeConfig.environmentVariable(key), "x"))).containsOnlyKeys(key);
        }
    }

    @Test
    void passesKafkaPropertiesThroughWithPrefixStrippedAndOwnsTheRest() {
        Map<String, String> m = minimal();
        m.put("kafka.security.protocol", "SASL_SSL");
        m.put("kafka.ssl.truststore.location", "/etc/kafka/truststore.jks");
        m.put("kafka.num.stream.threads", "2");
        m.put("scores.topic", "kade-scores");
        m.put("processing.guarantee", "AT_LEAST_ONCE");
        KadeConfig c = KadeConfig.fromMap(m);
        Properties p = StreamsSetup.properties(c);
        assertThat(p).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.jks")
                .containsEntry("num.stream.threads", "2")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "kade")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once")
                .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "kade-dead-letters")
                .containsKey(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG);
        assertThat(c.scoresTopic()).contains("kade-scores");
        // Kafka Streams itself accepts what we built
        assertThat(new StreamsConfig(p).getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("at_least_once");
    }

    @Test
    void inputTopicsAreTrimmedAndEmptyEntriesIgnored() {
        Map<String, String> m = minimal();
        m.put("input.topics", " a ,, b ,");
        assertThat(KadeConfig.fromMap(m).inputTopics()).isEqualTo(List.of("a", "b"));
    }

    @Test
    void newSettingsHaveDocumentedDefaults() {
        KadeConfig c = KadeConfig.fromMap(minimal());
        assertThat(c.batchMaxRecords()).isEqualTo(256);
        assertThat(c.batchMaxWait()).isEqualTo(Duration.ofMillis(5));
        assertThat(c.metricsBindAddress()).isEqualTo("0.0.0.0");
        assertThat(c.modelMaxBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(c.modelRequiredFingerprint()).isEmpty();
        assertThat(c.topicsCreate()).isFalse();
    }

    @Test
    void kafkaTypoFailsNamingTheKeyAndTheLikelyIntent() {
        Map<String, String> m = minimal();
        m.put("kafka.num.stream.thread", "2");
        assertThatThrownBy(() -> KadeConfig.fromMap(m)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("kafka.num.stream.thread:")
                .hasMessageContaining("did you mean 'kafka.num.stream.threads'");
    }

    /**
     * Issue 17 #10: a typo in a kade key listed every key, where kafka.* keys got "did you mean"; and a
     * missing --config file said "cannot read x: x", no reason.
     */
    @Test
    void kadeTypoGetsDidYouMeanAndAnUnreadableFileSaysWhy(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        Map<String, String> m = minimal();
        m.put("batch.max.record", "10");
        assertThatThrownBy(() -> KadeConfig.fromMap(m)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("batch.max.record:").hasMessageContaining("did you mean 'batch.max.records'?")
                .hasMessageNotContaining("known settings are");
        assertThatThrownBy(() -> KadeConfig.load(Optional.empty(), Map.of("KADE_MODEL_PATHH", "/x"), minimal()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("KADE_MODEL_PATHH")
                .hasMessageContaining("did you mean 'model.path'?");
        Map<String, String> far = minimal();
        far.put("zzz", "1");
        assertThatThrownBy(() -> KadeConfig.fromMap(far)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("known settings are").hasMessageNotContaining("did you mean");

        java.nio.file.Path missing = dir.resolve("nonexistent.properties");
        assertThatThrownBy(() -> KadeConfig.load(Optional.of(missing), Map.of(), minimal()))
                .isInstanceOf(ConfigException.class).hasMessage("--config: cannot read " + missing + ": no such file");
        assertThatThrownBy(() -> KadeConfig.load(Optional.of(dir), Map.of(), minimal()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--config: cannot read " + dir + ": ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotEndWith(": " + dir));
    }

    @Test
    void kafkaKeysUnderStreamsClientPrefixesAndTopicConfigsAreKnown() {
        Map<String, String> m = minimal();
        m.put("kafka.producer.linger.ms", "5");
        m.put("kafka.main.consumer.max.poll.records", "500");
        m.put("kafka.admin.retries", "3");
        m.put("kafka.topic.min.insync.replicas", "2");
        m.put("kafka.client.tag.zone", "eu-1a");
        assertThat(StreamsSetup.properties(KadeConfig.fromMap(m))).containsEntry("producer.linger.ms", "5")
                .containsEntry("topic.min.insync.replicas", "2");
        m.put("kafka.producer.linger.mss", "5");
        assertThatThrownBy(() -> KadeConfig.fromMap(m)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("kafka.producer.linger.mss:");
    }

    @Test
    void uncheckedKafkaKeysPassThroughAndAreAlwaysRedacted() {
        Map<String, String> m = minimal();
        m.put("kafka.basic.auth.user.info", "u:secret");
        m.put("unchecked.kafka.keys", "basic.auth.user.info");
        KadeConfig c = KadeConfig.fromMap(m);
        assertThat(c.kafka()).containsEntry("basic.auth.user.info", "u:secret");
        assertThat(c.describe()).doesNotContain("u:secret").contains("kafka.basic.auth.user.info=[redacted]");
    }

    @Test
    void redactsKafkaPasswordsByTypeAndKeepsOtherValuesReadable() {
        Map<String, String> m = minimal();
        m.put("kafka.ssl.truststore.password", "hunter2");
        m.put("kafka.producer.ssl.key.password", "hunter3");
        m.put("kafka.ssl.truststore.location", "/etc/kafka/truststore.jks");
        m.put("kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"u\" password=\"p4ss\";");
        String d = KadeConfig.fromMap(m).describe();
        assertThat(d).doesNotContain("hunter2", "hunter3", "p4ss")
                .contains("kafka.ssl.truststore.location=/etc/kafka/truststore.jks", "kafka.ssl.truststore.password=[redacted]");
    }

    @Test
    void malformedJaasConfigFailsAtStartNamingTheKey() {
        Map<String, String> m = minimal();
        m.put("kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=");
        assertThatThrownBy(() -> KadeConfig.fromMap(m)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("kafka.sasl.jaas.config: malformed JAAS configuration");
    }

    @Test
    void kubernetesServiceLinkVariablesAreIgnoredButTyposAreNot() {
        Map<String, String> env = new HashMap<>();
        env.put("KADE_PORT", "tcp://10.96.0.12:9404");
        env.put("KADE_PORT_9404_TCP", "tcp://10.96.0.12:9404");
        env.put("KADE_PORT_9404_TCP_PROTO", "tcp");
        env.put("KADE_PORT_9404_TCP_PORT", "9404");
        env.put("KADE_PORT_9404_TCP_ADDR", "10.96.0.12");
        env.put("KADE_SERVICE_HOST", "10.96.0.12");
        env.put("KADE_SERVICE_PORT", "9404");
        env.put("KADE_METRICS_SERVICE_PORT_HTTP", "9404");
        env.put("KADE_METRICS_PORT", "tcp://10.96.0.13:9404");
        env.put("KADE_APPLICATION_ID", "from-env");
        assertThat(KadeConfig.fromEnvironment(env)).containsOnlyKeys("application.id");
        assertThat(KadeConfig.load(Optional.empty(), env, minimal()).metricsPort()).isEqualTo(9404);

        // a real setting with a real value is still read, and a typo is still refused
        assertThat(KadeConfig.fromEnvironment(Map.of("KADE_METRICS_PORT", "9500"))).containsEntry("metrics.port", "9500");
        assertThatThrownBy(() -> KadeConfig.fromEnvironment(Map.of("KADE_METRICS_PROT", "9500")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("KADE_METRICS_PROT");
        assertThatThrownBy(() -> KadeConfig.fromEnvironment(Map.of("KADE_PORT", "9404")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("KADE_PORT");
    }

    @Test
    void everySettingIsDefinedOnceWithDocumentation() {
        assertThat(KadeConfig.KEYS).doesNotHaveDuplicates().startsWith("bootstrap.servers", "application.id");
        KadeConfig.DEFINITION.configKeys().values().forEach(k ->
                assertThat(k.documentation).as(k.name).isNotBlank());
    }

    @Test
    void aFeedbackTopicNeedsIncidentModeAndMayNotBeKadesOwnTopic() {
        Map<String, String> m = minimal();
        m.put("alerts.feedback.topic", "labels");
        assertThatThrownBy(() -> KadeConfig.fromMap(m)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("alerts.feedback.topic").hasMessageContaining("alerts.mode=incident");
        m.put("alerts.mode", "incident");
        assertThat(KadeConfig.fromMap(m).string("alerts.feedback.topic")).isEqualTo("labels");
        for (String own : List.of("metrics", "kade-alerts", "kade-dead-letters")) {
            m.put("alerts.feedback.topic", own);
            assertThatThrownBy(() -> KadeConfig.fromMap(m)).as(own).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("alerts.feedback.topic").hasMessageContaining(own);
        }
    }

    @Test
    void anAlertBudgetNeedsIncidentModeAndAnOverallOneItsPartitions() {
        Map<String, String> m = new java.util.HashMap<>(Map.of("bootstrap.servers", "k:9092", "input.topics", "in",
                "model.path", "m.onnx", "alerts.budget.per.entity.per.day", "5"));
        assertThatThrownBy(() -> KadeConfig.fromMap(m)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("alerts.budget.per.entity.per.day").hasMessageContaining("alerts.mode=incident");
        m.put("alerts.mode", "incident");
        assertThat(KadeConfig.fromMap(m).number("alerts.budget.per.entity.per.day")).isEqualTo(5.0);
        m.put("alerts.budget.per.day", "100");
        assertThatThrownBy(() -> KadeConfig.fromMap(m)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("alerts.budget.partitions");
        m.put("alerts.budget.partitions", "4");
        assertThat(dev.kade.app.StreamsSetup.incidents(KadeConfig.fromMap(m)).budget().perTaskPerDay()).isEqualTo(25.0);
        m.put("alerts.budget.per.day", "-1");
        assertThatThrownBy(() -> KadeConfig.fromMap(m)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("alerts.budget.per.day");
    }

    @Test
    void documentedSettingsTableIsTheGeneratedOne() throws Exception {
        String doc = Files.readString(Path.of("docs/configuration.md"));
        int from = doc.indexOf(ConfigDocumentation.BEGIN);
        int to = doc.indexOf(ConfigDocumentation.END);
        assertThat(from).as("docs/configuration.md has the settings-table markers").isNotNegative();
        assertThat(to).as("docs/configuration.md has the end marker after the start marker").isGreaterThan(from);
        String table = doc.substring(from + ConfigDocumentation.BEGIN.length(), to).strip();
        assertThat(table).as("docs/configuration.md settings table; regenerate it from ConfigDocumentation.markdownTable():%n%s",
                ConfigDocumentation.markdownTable()).isEqualTo(ConfigDocumentation.markdownTable().strip());
    }

    @Test
    void topicsNeedsNoModelButScoringDoesAndAGivenModelIsStillRead() {
        Map<String, String> m = minimal();
        m.remove("model.path");
        KadeConfig topics = KadeConfig.fromMap(m, Purpose.TOPICS);
        assertThat(topics.inputTopics()).containsExactly("metrics", "events");
        assertThatThrownBy(topics::modelPath).isInstanceOf(IllegalStateException.class).hasMessageContaining("model.path");
        assertThatThrownBy(() -> KadeConfig.fromMap(m)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("model.path");
        assertThat(KadeConfig.fromMap(minimal(), Purpose.TOPICS).modelPath()).hasToString("/models/model.onnx");
    }
}
