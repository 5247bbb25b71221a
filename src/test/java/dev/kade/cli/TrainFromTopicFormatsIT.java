package dev.kade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.kafka.EmbeddedKafka;
import dev.kade.onnx.OnnxModel;
import dev.kade.testing.AvroRecords;
import dev.kade.testing.ProtobufRecords;
import dev.kade.testing.RegistryStandIn;
import dev.kade.testing.SharedKafka;
import dev.kade.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Random;
import java.util.function.DoubleFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kade train --from-topic --input-format avro|protobuf} against a real broker: the sample is decoded by the
 * stream's own decoders (schemas fetched from the registry by id), so the model's features are named as the stream
 * will find them; a record that does not decode is left out and counted by its dead-letter reason, and a topic none
 * of whose records decode is refused naming the reason. The registry is {@link RegistryStandIn} (no registry runs
 * here: docs/input-formats.md).
 */
class TrainFromTopicFormatsIT {
    @RegisterExtension
    static final SharedKafka KAFKA = new SharedKafka();

    @TempDir
    Path dir;

    private static String produce(EmbeddedKafka kafka, String name, DoubleFunction<byte[]> value, byte[] odd) {
        String topic = SharedKafka.unique(name);
        kafka.createTopics(2, topic);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        Random random = new Random(5);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 400; i++) {
                byte[] v = i == 123 ? odd : value.apply(1 + random.nextDouble() * 9);
                producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8), v));
            }
            producer.flush();
        }
        return topic;
    }

    private CliRun train(String topic, String format, RegistryStandIn registry, String out) {
        return CliRun.execute("train", "--from-topic", topic, "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--input-format", format, "--schema-registry-url", registry.url().toString(), "--features",
                String.join(",", TestModels.FEATURES), "--kind", "ae", "--epochs", "2", "--quiet", "--no-report",
                "--out", dir.resolve(out).toString());
    }

    @Test
    void aProtobufTopicTrainsAModelWhoseFeaturesAreTheStreamsNames() throws Exception {
        EmbeddedKafka kafka = KAFKA.kafka();
        byte[] badIndex = ProtobufRecords.framed(21, ProtobufRecords.metric(1, 1, 1.0, "x"), 9);
        String topic = produce(kafka, "train-proto", b -> ProtobufRecords.framed(21, ProtobufRecords.metric(b, b + 0.1,
                b + 0.2, "h")), badIndex);
        try (RegistryStandIn registry = new RegistryStandIn().other(21, "PROTOBUF", ProtobufRecords.PROTO)) {
            CliRun run = train(topic, "protobuf", registry, "proto.onnx");
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.err()).contains("400 records read, 400 sampled", "1 not decodable {bad_message_index=1}");
            try (OnnxModel m = OnnxModel.load(dir.resolve("proto.onnx"))) {
                assertThat(m.metadata().features()).containsExactlyElementsOf(TestModels.FEATURES);
            }
            assertThat(registry.requests()).as("the schema fetched once for the whole sample").isEqualTo(1);
        }
    }

    @Test
    void anAvroTopicTrainsTooAndATopicOfAnotherFormatIsRefusedNamingTheReason() throws Exception {
        EmbeddedKafka kafka = KAFKA.kafka();
        byte[] json = "{\"cpu\":1}".getBytes(StandardCharsets.UTF_8);
        String topic = produce(kafka, "train-avro", b -> AvroRecords.framed(22, AvroRecords.metric(b, b + 0.1, b + 0.2, "h")), json);
        try (RegistryStandIn registry = new RegistryStandIn().avro(22, AvroRecords.SCHEMA)) {
            CliRun run = train(topic, "avro", registry, "avro.onnx");
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.err()).contains("400 records read", "1 not decodable {not_wire_format=1}");
            try (OnnxModel m = OnnxModel.load(dir.resolve("avro.onnx"))) {
                assertThat(m.metadata().features()).containsExactlyElementsOf(TestModels.FEATURES);
            }
            CliRun wrong = train(topic, "protobuf", registry, "wrong.onnx");
            assertThat(wrong.exit()).isNotZero();
            assertThat(wrong.err()).contains("none of the 400 sampled records", "unknown_schema", "is AVRO");
        }
    }
}
