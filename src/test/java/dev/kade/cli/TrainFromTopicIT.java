package dev.kade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.features.DataSet;
import dev.kade.kafka.EmbeddedKafka;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ReferenceBins;
import dev.kade.onnx.OnnxModel;
import dev.kade.testing.SharedKafka;
import dev.kade.testing.ShuttleModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kade train --from-topic} against a real broker: it reads committed records only (an aborted transaction's
 * records, with an impossible value, never reach the model), leaves out the records kade alerted on (as an alert
 * topic names them), keeps at most --sample records, and --last reads the last N of each partition.
 */
class TrainFromTopicIT {
    @RegisterExtension
    static final SharedKafka KAFKA = new SharedKafka();

    @TempDir
    Path dir;

    private static byte[] json(List<String> features, float[] row, float firstOverride) {
        StringBuilder b = new StringBuilder("{");
        for (int j = 0; j < features.size(); j++) {
            b.append(j == 0 ? "" : ",").append('"').append(features.get(j)).append("\":")
                    .append(j == 0 && !Float.isNaN(firstOverride) ? firstOverride : row[j]);
        }
        return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void trainsOnCommittedNotAlertedRecordsWithinTheSample() throws Exception {
        EmbeddedKafka kafka = KAFKA.kafka();
        String topic = SharedKafka.unique("train-in");
        String alerts = SharedKafka.unique("train-alerts");
        kafka.createTopics(3, topic);
        kafka.createTopics(1, alerts);
        DataSet shuttle = ShuttleModels.shuttle();
        List<String> features = shuttle.features();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, SharedKafka.unique("train-tx"));
        List<RecordMetadata> alerted = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 3000; i++) {
                producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        json(features, shuttle.rows()[i % shuttle.size()], Float.NaN)));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            for (int i = 0; i < 500; i++) { // aborted: read_committed never sees them
                producer.send(new ProducerRecord<>(topic, ("x" + i).getBytes(StandardCharsets.UTF_8),
                        json(features, shuttle.rows()[i], 1.0e6f)));
            }
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            for (int i = 0; i < 100; i++) { // committed anomalies that kade alerted on
                alerted.add(producer.send(new ProducerRecord<>(topic, ("a" + i).getBytes(StandardCharsets.UTF_8),
                        json(features, shuttle.rows()[i], 5.0e5f))).get());
            }
            for (RecordMetadata m : alerted) {
                String alert = "{\"score\":9.9,\"source\":{\"topic\":\"" + topic + "\",\"partition\":" + m.partition()
                        + ",\"offset\":" + m.offset() + "}}";
                producer.send(new ProducerRecord<>(alerts, alert.getBytes(StandardCharsets.UTF_8)));
            }
            producer.send(new ProducerRecord<>(alerts, "not an alert".getBytes(StandardCharsets.UTF_8)));
            producer.commitTransaction();
        }

        Path model = dir.resolve("from-topic.onnx");
        CliRun run = CliRun.execute("train", "--from-topic", topic, "--bootstrap-servers", kafka.bootstrapServers(),
                "--exclude-alerts-topic", alerts, "--sample", "2000", "--kind", "ae", "--epochs", "3", "--quiet", "--no-report",
                "--out", model.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("3100 records read, 2000 sampled, 100 alerted left out, 0 without value");
        try (OnnxModel m = OnnxModel.load(model)) {
            ModelMetadata meta = m.metadata();
            assertThat(meta.features()).isEqualTo(features);
            ReferenceBins f0 = meta.featureBins().orElseThrow().get(0);
            assertThat(java.util.Arrays.stream(f0.edges()).max().orElse(0))
                    .as("no aborted (1e6) or alerted (5e5) value reached the training data").isLessThan(1000);
            assertThat(f0.share(f0.bins() - 1)).as("nor is a top bin made of them").isLessThan(0.2);
        }

        // without the exclusion the alerted records are training data
        CliRun all = CliRun.execute("train", "--from-topic", topic, "--bootstrap-servers", kafka.bootstrapServers(),
                "--sample", "5000", "--kind", "ae", "--epochs", "1", "--quiet", "--no-report", "--out", dir.resolve("all.onnx").toString());
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.err()).contains("3100 records read, 3100 sampled, 0 alerted left out");

        CliRun last = CliRun.execute("train", "--from-topic", topic, "--bootstrap-servers", kafka.bootstrapServers(),
                "--last", "50", "--kind", "ae", "--epochs", "1", "--quiet", "--no-report", "--out", dir.resolve("last.onnx").toString());
        assertThat(last.exit()).as(last.err()).isZero();
        // the last 50 offsets of each of 3 partitions, transaction markers included, hold fewer than 150 records
        assertThat(last.err()).containsPattern("topic " + topic + " \\((1[0-4][0-9]|[1-9][0-9]) records read");
    }

    @Test
    void badSourceOptionsAreRefusedNamingThem() {
        CliRun both = CliRun.execute("train", "--data", "x.csv", "--from-topic", "t", "--bootstrap-servers", "127.0.0.1:1",
                "--out", dir.resolve("m.onnx").toString());
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("either --data FILE or --from-topic TOPIC");
        CliRun noServers = CliRun.execute("train", "--from-topic", "t", "--out", dir.resolve("m.onnx").toString());
        assertThat(noServers.exit()).isEqualTo(2);
        assertThat(noServers.err()).contains("--from-topic needs --bootstrap-servers");
        CliRun missing = CliRun.execute("train", "--from-topic", SharedKafka.unique("absent"), "--bootstrap-servers",
                KAFKA.bootstrapServers(), "--kind", "ae", "--out", dir.resolve("m.onnx").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no topic '");
    }
}
