package dev.kade.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kade.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code alerts.mode=incident} under {@code exactly_once_v2}, with kade in its own process killed ({@code kill -9})
 * three times while incidents are open: a {@code read_committed} consumer of the alert topic sees exactly the incident
 * events of an uninterrupted run over the same input (same ids, counts, offsets, resolutions, embedded alerts; only
 * {@code detection_time}, the wall clock, may differ, on the event and on its embedded alert), so no incident is opened twice and none is lost. The broker runs
 * in its own process too.
 */
class IncidentKillIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 2;
    private static final int RECORDS = 4000;
    private static final int ENTITIES = 12;

    @Test
    void killsMidIncidentGiveTheIncidentEventsOfAnUninterruptedRun() throws Exception {
        Path dir = FaultScenario.freshDirectory(Path.of("target", "incident-kill"));
        try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"))) {
            KillRuns runs = new KillRuns(dir, "ik", broker.bootstrapServers());
            runs.createTopics(PARTITIONS, List.of("-alerts", "-dlq"));
            Path modelFile = TestModels.writeModel(dir.resolve("model.onnx"), "ik-v1");
            // run b: kade starts first, records arrive while it runs, and it is killed three times mid-stream, each
            // kill once the restarted kade is processing again, while records still arrive
            List<String> b = runs.killed(writeConfig(runs, "b", modelFile), 3, Duration.ofMillis(2500), true,
                    IncidentKillIT::produce,
                    () -> collect(runs, runs.topic("b", "-alerts"), Duration.ofSeconds(180), Duration.ofSeconds(20)));
            // run a: the same input, uninterrupted
            List<String> a = runs.uninterrupted(writeConfig(runs, "a", modelFile),
                    () -> collect(runs, runs.topic("a", "-alerts"), Duration.ofSeconds(180), Duration.ofSeconds(20)));
            assertThat(a).as("incident events of the uninterrupted run").hasSizeGreaterThan(10);
            assertThat(a.stream().filter(e -> e.contains("\"event\":\"opened\"")).count()).as("incidents opened").isGreaterThan(3);
            Map<String, Long> openedPerId = b.stream().filter(e -> e.contains("\"event\":\"opened\""))
                    .collect(java.util.stream.Collectors.groupingBy(e -> e.substring(0, e.indexOf(',')),
                            java.util.stream.Collectors.counting()));
            assertThat(openedPerId.values()).as("no incident opened twice despite the kills").containsOnly(1L);
            assertThat(b).as("the killed run's committed incident events, detection_time aside")
                    .containsExactlyInAnyOrderElementsOf(a);
        }
    }

    /**
     * 12 hosts keyed by name, one record a second: two real incidents (host-3 for 100 s, host-7 for 60 s), a flapping
     * host-5 (every 7th of its records anomalous), and at most one malformed record per 500 (dead-lettered).
     */
    private static void produce(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            Random random = new Random(5);
            long t0 = (System.currentTimeMillis() / 3_600_000L) * 3_600_000L - 1000L * RECORDS;
            for (int i = 0; i < RECORDS; i++) {
                int e = i % ENTITIES;
                boolean anomaly = (e == 3 && i >= 1000 && i < 2200)
                        || (e == 7 && i >= 2600 && i < 3320) || (e == 5 && (i / ENTITIES) % 7 == 0);
                String value = i % 500 == 499 ? "not json" : anomaly ? TestModels.anomaly(random) : TestModels.normal(random);
                producer.send(new ProducerRecord<>("ik-in", null, t0 + 1000L * i, "host-" + e, value));
                if (i % 50 == 49) {
                    producer.flush();
                    Thread.sleep(400); // about 35 s of production: the three kills land while records arrive
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every committed incident event, normalised (detection_time removed), until none came for {@code idle}. */
    private static List<String> collect(KillRuns runs, String topic, Duration timeout, Duration idle) {
        Properties p = runs.committedReader(topic + "-reader");
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            long lastSeen = System.nanoTime();
            while (System.nanoTime() < deadline && (out.isEmpty() || System.nanoTime() - lastSeen < idle.toNanos())) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    out.add(normalised(r));
                    lastSeen = System.nanoTime();
                }
            }
        }
        return out;
    }

    private static String normalised(ConsumerRecord<byte[], byte[]> r) {
        try {
            ObjectNode e = (ObjectNode) JSON.readTree(new String(r.value(), StandardCharsets.UTF_8));
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).as("events are keyed by incident id")
                    .isEqualTo(e.get("incident_id").asText());
            e.remove("detection_time");
            if (e.get("alert") instanceof ObjectNode alert) {
                alert.remove("detection_time"); // the embedded alert's own wall-clock field
            }
            return e.toString();
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    private static Path writeConfig(KillRuns runs, String run, Path model) throws Exception {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("alert.topic", runs.topic(run, "-alerts"));
        s.put("alerts.mode", "incident");
        s.put("alerts.incident.entity", "key");
        s.put("alerts.incident.quiet.ms", "60000");
        s.put("alerts.incident.update.interval.ms", "30000");
        // batches that wait, and slow polls: only the pre-commit flush empties a batch, so kills land mid-batch and
        // mid-incident while the input is still being read
        s.put("batch.max.wait.ms", "5000");
        s.put("kafka.max.poll.records", "50");
        return runs.writeConfig(run, model, s);
    }
}
