package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.ScoringApp;
import dev.kade.config.KadeConfig;
import dev.kade.config.ProcessingGuarantee;
import dev.kade.output.DeadLetterHeaders;
import dev.kade.testing.SharedKafka;
import dev.kade.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 9's partition-stopping records on a real broker with default settings for kade's output topics
 * and producer: an anomalous record of about 1 MB (its alert used to exceed {@code max.request.size} and
 * kill the stream thread) and records of 1.5 MB, anomalous and malformed (the dead-letter send of the
 * latter recursed until StackOverflowError). Only the input topic allows 2 MB, as it must for such
 * records to exist. Every record is scored or dead-lettered, the big anomalies alert, the malformed one
 * arrives as a reference record, and the records after them keep flowing.
 */
class OversizedRecordIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final SharedKafka BROKER = new SharedKafka();

    @ParameterizedTest
    @EnumSource(ProcessingGuarantee.class)
    void oneAndAHalfMegabyteRecordsNeitherStopThePartitionNorBreakTheCount(ProcessingGuarantee guarantee, @TempDir Path dir)
            throws Exception {
        String prefix = SharedKafka.unique("big-" + guarantee.streamsValue().replace('_', '-').toLowerCase(Locale.ROOT));
        try (Admin admin = BROKER.kafka().admin()) {
            admin.createTopics(List.of(
                    new NewTopic(prefix + "-in", 1, (short) 1).configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "2097152")),
                    new NewTopic(prefix + "-alerts", 1, (short) 1), new NewTopic(prefix + "-scores", 1, (short) 1),
                    new NewTopic(prefix + "-dlq", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Path model = TestModels.writeModel(dir.resolve("model.onnx"), "it-v1");
        KadeConfig config = ScoringScenario.config(BROKER.kafka().bootstrapServers(), prefix, model, guarantee);
        Random random = new Random(3);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(record(prefix, "before-" + i, TestModels.normal(random)));
        }
        records.add(record(prefix, "anomaly-1mb", padded(TestModels.record(5, 5, 13), 1_048_300)));
        records.add(record(prefix, "anomaly-1.5mb", padded(TestModels.record(5, 5, 13), 1_572_864)));
        records.add(record(prefix, "garbage-1.5mb", "x".repeat(1_572_864)));
        for (int i = 0; i < 20; i++) {
            records.add(record(prefix, "after-" + i, TestModels.normal(random)));
        }
        records.add(record(prefix, "after-anomaly", TestModels.anomaly(random)));

        try (ScoringApp app = ScoringApp.start(config)) {
            assertThat(app.awaitReady(Duration.ofSeconds(60))).as("ready").isTrue();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.kafka().bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024), new ByteArraySerializer(), new ByteArraySerializer())) {
                for (ProducerRecord<byte[], byte[]> r : records) {
                    producer.send(r).get(30, TimeUnit.SECONDS);
                }
            }
            int total = records.size();
            var scores = ScoringScenario.consume(BROKER.kafka().bootstrapServers(), prefix + "-scores", total - 1, Duration.ofSeconds(90));
            var dead = ScoringScenario.consume(BROKER.kafka().bootstrapServers(), prefix + "-dlq", 1, Duration.ofSeconds(30));
            var alerts = ScoringScenario.consume(BROKER.kafka().bootstrapServers(), prefix + "-alerts", 3, Duration.ofSeconds(30));

            assertThat(scores.size() + dead.size()).as("in = scored + dead-lettered").isEqualTo(total);
            assertThat(ScoringScenario.keys(alerts)).isEqualTo(Set.of("anomaly-1mb", "anomaly-1.5mb", "after-anomaly"));
            assertThat(ScoringScenario.keys(scores)).contains("after-19", "after-anomaly");
            for (ConsumerRecord<byte[], byte[]> a : alerts) {
                assertThat(a.serializedValueSize()).isLessThan(4096);
            }
            assertThat(dead).hasSize(1);
            ConsumerRecord<byte[], byte[]> ref = dead.get(0);
            assertThat(new String(ref.key(), StandardCharsets.UTF_8)).isEqualTo("garbage-1.5mb");
            assertThat(header(ref, DeadLetterHeaders.REASON)).isEqualTo("not_json");
            assertThat(header(ref, DeadLetterHeaders.REFERENCE)).isEqualTo("true");
            JsonNode value = JSON.readTree(ref.value());
            assertThat(value.get("size").get("value").asInt()).isEqualTo(1_572_864);
            assertThat(value.get("source").get("offset").asLong()).isEqualTo(22);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(app.counts().in()).isEqualTo(total));
            var c = app.counts();
            assertThat(c.scored() + c.deadLettered()).isEqualTo(total);
            assertThat(ScoringScenario.get(app.metricsPort(), "/health/ready")).startsWith("200");
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String prefix, String key, String value) {
        return new ProducerRecord<>(prefix + "-in", key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    /** The record with a string field that brings it to {@code size} bytes. */
    private static String padded(String record, int size) {
        String head = record.substring(0, record.length() - 1) + ",\"pad\":\"";
        return head + "p".repeat(size - head.length() - 2) + "\"}";
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
