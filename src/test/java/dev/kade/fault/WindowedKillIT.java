package dev.kade.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.export.WindowedExporter;
import dev.kade.model.ModelKind;
import dev.kade.series.SeriesSpec;
import dev.kade.train.SeriesFixtures;
import dev.kade.train.WindowedModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A windowed model under {@code exactly_once_v2}, with kade in its own process killed ({@code kill -9}) three times
 * mid-stream while records arrive: every record is scored exactly once, and each score, likelihood and anomaly
 * score is identical, bit for bit, to an uninterrupted run over the same input. The per-entity windows, statistics
 * and likelihoods live in the changelogged store and commit with the outputs, and nothing depends on the wall
 * clock, so a restart resumes exactly where the last commit left off. The broker runs in its own process too.
 */
class WindowedKillIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 2;
    private static final int RECORDS = 3000;
    private static final int ENTITIES = 12;

    @Test
    void killsUnderExactlyOnceGiveTheScoresOfAnUninterruptedRunRecordForRecord() throws Exception {
        Path dir = FaultScenario.freshDirectory(Path.of("target", "windowed-kill"));
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"))) {
            KillRuns runs = new KillRuns(dir, "wk", broker.bootstrapServers());
            runs.createTopics(PARTITIONS, List.of("-scores", "-alerts", "-dlq"));
            SeriesSpec spec = SeriesSpec.of(8, 1);
            WindowedModel model = SeriesFixtures.train(spec, ModelKind.AE, false);
            Path modelFile = dir.resolve("model.onnx");
            WindowedExporter.export(model, modelFile);

            // run b: kade starts first, records arrive while it runs, and it is killed three times mid-stream
            Map<String, String> b = runs.killed(writeConfig(runs, "b", modelFile), 3, Duration.ofMillis(2500), false,
                    WindowedKillIT::produce, () -> collect(runs, runs.topic("b", "-scores"), Duration.ofSeconds(180)));
            // run a: the same input, uninterrupted
            Map<String, String> a = runs.uninterrupted(writeConfig(runs, "a", modelFile),
                    () -> collect(runs, runs.topic("a", "-scores"), Duration.ofSeconds(180)));
            assertThat(a).hasSize(RECORDS);
            assertThat(b).as("every record scored exactly once despite the kills").hasSize(RECORDS);
            List<String> differing = a.keySet().stream().filter(k -> !a.get(k).equals(b.get(k))).sorted().limit(10)
                    .map(k -> k + ": uninterrupted " + a.get(k) + ", killed " + b.get(k)).toList();
            assertThat(differing).as("records whose score, likelihood or anomaly score differ from the uninterrupted run").isEmpty();
            assertThat(a.values().stream().filter(v -> v.contains("|false|")).count()).as("records past warm-up").isPositive();
        }
    }

    /** Entities on different levels, interleaved in time, keyed by entity; the same records every run. */
    private static void produce(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            SplittableRandom random = new SplittableRandom(3);
            // recent event times: the broker's time-based retention (7 days by default) deletes records by their
            // timestamp, so records stamped a year back vanish from the input topic before kade reads them all
            long t0 = (System.currentTimeMillis() / 3_600_000L) * 3_600_000L - 1000L * RECORDS;
            for (int i = 0; i < RECORDS; i++) {
                int e = i % ENTITIES;
                double level = Math.pow(10, e % 4);
                double v = level * (1 + 0.1 * Math.sin(2 * Math.PI * (i / ENTITIES) / 12.0) + 0.01 * random.nextGaussian())
                        + (i == RECORDS / 2 + e ? 5 * level : 0);
                producer.send(new ProducerRecord<>("wk-in", null, t0 + 1000L * i, "entity-" + e, "{\"v0\":" + v + "}"));
                if (i % 100 == 99) {
                    producer.flush();
                    Thread.sleep(100);
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every score record (read_committed), by its source partition and offset; a duplicate would be a lost key. */
    private static Map<String, String> collect(KillRuns runs, String topic, Duration timeout) {
        Properties p = runs.committedReader(topic + "-reader");
        Map<String, String> out = new HashMap<>();
        int duplicates = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    JsonNode s;
                    try {
                        s = JSON.readTree(new String(r.value(), StandardCharsets.UTF_8));
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    String key = s.get("source").get("partition").asInt() + "@" + s.get("source").get("offset").asLong();
                    String value = s.get("entity").asText() + "|" + s.get("score").asText() + "|" + s.get("likelihood").asText()
                            + "|" + s.get("anomaly_score").asText() + "|" + s.get("warming_up").asBoolean() + "|";
                    if (out.put(key, value) != null) {
                        duplicates++;
                    }
                }
            }
        }
        assertThat(duplicates).as("duplicate score records in " + topic).isZero();
        return out;
    }

    private static Path writeConfig(KillRuns runs, String run, Path model) throws Exception {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("alert.topic", runs.topic(run, "-alerts"));
        s.put("scores.topic", runs.topic(run, "-scores"));
        // batches that wait: only the pre-commit flush empties them, so kills land mid-batch
        s.put("batch.max.wait.ms", "5000");
        s.put("series.likelihood.learning.period", "20");
        return runs.writeConfig(run, model, s);
    }
}
