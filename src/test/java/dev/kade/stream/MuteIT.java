package dev.kade.stream;

import static dev.kade.stream.IncidentScenario.bytes;
import static dev.kade.stream.IncidentScenario.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.ScoringApp;
import dev.kade.config.KadeConfig;
import dev.kade.output.DeadLetterHeaders;
import dev.kade.testing.SharedKafka;
import dev.kade.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mute rules from the control topic through a real {@link ScoringApp} on a real broker (in-process KRaft) under
 * {@code exactly_once_v2}: a rule that arrives while kade runs mutes its entity's window (no incident opens inside it,
 * the anomalies are still scored with {@code "muted": true}), the entity alerts normally after it, a bad rule is
 * dead-lettered once, and the counts add up (in = scored + dead-lettered), all read with read_committed consumers.
 */
class MuteIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final SharedKafka BROKER = new SharedKafka();

    @Test
    void aRuleArrivingMidStreamMutesItsWindowAndTheEntityAlertsNormallyAfterIt(@TempDir Path dir) throws Exception {
        String prefix = SharedKafka.unique("mute");
        String bootstrap = BROKER.bootstrapServers();
        ScoringScenario.createTopics(bootstrap, 2, prefix + "-in", prefix + "-alerts", prefix + "-dlq", prefix + "-scores");
        IncidentScenario.createControlTopic(bootstrap, prefix + "-mutes");
        Map<String, String> m = IncidentScenario.settings(bootstrap, prefix, dir);
        m.put("scores.topic", prefix + "-scores");
        m.put("alerts.mute.topic", prefix + "-mutes");
        m.put("alerts.mute.refresh.ms", "0");
        long t0 = (System.currentTimeMillis() - 3_600_000L) / 1000 * 1000;
        long windowStart = t0 + 100_000;
        long windowEnd = t0 + 200_000;
        Random random = new Random(23);
        int records = 0;
        int badInputs = 0;
        try (ScoringApp app = ScoringApp.start(KadeConfig.fromMap(m));
             KafkaProducer<byte[], byte[]> producer = ScoringScenario.producer(bootstrap)) {
            assertThat(app.awaitReady(Duration.ofSeconds(60))).as("ready").isTrue();
            // before any rule: host-a misbehaves for 10 s, host-quiet carries stream time past the quiet time
            for (int s = 0; s < 99; s++) {
                if (s < 10) {
                    producer.send(record(prefix, "host-a", TestModels.anomaly(random), t0 + s * 1000L));
                    records++;
                }
                producer.send(record(prefix, "host-quiet", TestModels.normal(random), t0 + s * 1000L));
                records++;
            }
            producer.send(record(prefix, "host-quiet", "{not json", t0 + 99_000)).get();
            records++;
            badInputs++;
            int before = records;
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(app.counts().in()).isEqualTo(before));

            // the operator's rule arrives while kade runs (and a bad one beside it)
            producer.send(new ProducerRecord<>(prefix + "-mutes", bytes("maint-a"), bytes("{\"entity\":\"host-a\",\"start\":\""
                    + Instant.ofEpochMilli(windowStart) + "\",\"end\":\"" + Instant.ofEpochMilli(windowEnd)
                    + "\",\"reason\":\"planned maintenance\"}"))).get();
            producer.send(new ProducerRecord<>(prefix + "-mutes", bytes("broken"), bytes("{\"entity\":\"host-a\"}"))).get();
            // the global store reads the topic on its own thread: the bad rule's dead letter says both were read
            int probe = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<ConsumerRecord<byte[], byte[]>> dead = List.of();
            while (dead.stream().noneMatch(d -> reason(d).equals("mute_rule_invalid"))) {
                assertThat(System.nanoTime()).as("the bad rule was dead-lettered").isLessThan(deadline);
                producer.send(record(prefix, "host-quiet", TestModels.normal(random), t0 + 99_500 + probe++)).get();
                records++;
                dead = ScoringScenario.consumeToEnd(bootstrap, prefix + "-dlq", Duration.ofSeconds(2));
            }

            // inside the window: host-a and host-b misbehave for 60 s; after it host-a again, then quiet
            for (long t = windowStart; t < t0 + 300_000; t += 1000) {
                if (t < windowStart + 60_000) {
                    producer.send(record(prefix, "host-a", TestModels.anomaly(random), t));
                    producer.send(record(prefix, "host-b", TestModels.anomaly(random), t));
                    records += 2;
                }
                if (t >= windowEnd && t < windowEnd + 5_000) {
                    producer.send(record(prefix, "host-a", TestModels.anomaly(random), t));
                    records++;
                }
                producer.send(record(prefix, "host-quiet", TestModels.normal(random), t));
                records++;
            }
            producer.flush();
            int sent = records;
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(app.counts().in()).isEqualTo(sent));

            List<JsonNode> opened = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : ScoringScenario.consumeToEnd(bootstrap, prefix + "-alerts",
                    Duration.ofSeconds(10))) {
                JsonNode e = JSON.readTree(r.value());
                if (e.get("event").asText().equals("opened")) {
                    opened.add(e);
                }
            }
            List<Long> hostA = opened.stream().filter(e -> e.get("entity").asText().equals("host-a"))
                    .map(e -> Instant.parse(e.get("event_time").asText()).toEpochMilli())
                    .sorted().toList(); // in event time: the alert topic's partitions are read one after another
            assertThat(hostA).as("before the rule, and after its window; none inside").hasSize(2)
                    .allSatisfy(t -> assertThat(t < windowStart || t >= windowEnd).isTrue());
            assertThat(hostA.get(1)).isEqualTo(windowEnd);
            assertThat(opened).filteredOn(e -> e.get("entity").asText().equals("host-b")).as("host-b is not muted")
                    .hasSize(1);
            assertThat(opened).filteredOn(e -> e.get("entity").asText().equals("host-quiet")).isEmpty();

            List<ConsumerRecord<byte[], byte[]>> scores = ScoringScenario.consumeToEnd(bootstrap, prefix + "-scores",
                    Duration.ofSeconds(10));
            long muted = 0;
            for (ConsumerRecord<byte[], byte[]> r : scores) {
                JsonNode s = JSON.readTree(r.value());
                if (s.path("muted").asBoolean()) {
                    muted++;
                    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("host-a");
                    assertThat(s.get("anomaly").asBoolean()).as("still scored as an anomaly").isTrue();
                }
            }
            assertThat(muted).as("host-a's 60 s inside the window").isEqualTo(60);

            var counts = app.counts();
            assertThat(counts.in()).isEqualTo(counts.scored() + counts.deadLettered());
            assertThat(counts.deadLettered()).isEqualTo(badInputs);
            assertThat(scores).hasSize((int) counts.scored());
            List<ConsumerRecord<byte[], byte[]>> allDead = ScoringScenario.consumeToEnd(bootstrap, prefix + "-dlq",
                    Duration.ofSeconds(5));
            assertThat(allDead).filteredOn(d -> reason(d).equals("mute_rule_invalid")).as("once").hasSize(1);
            assertThat(allDead).hasSize(badInputs + 1);
            String metrics = ScoringScenario.get(app.metricsPort(), "/metrics");
            assertThat(metrics).contains("kade_incident_muted_total{application=\"" + prefix + "-app\"} 60.0");
        }
    }

    private static String reason(ConsumerRecord<byte[], byte[]> d) {
        var h = d.headers().lastHeader(DeadLetterHeaders.REASON);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }
}
