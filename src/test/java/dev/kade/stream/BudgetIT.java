package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.ScoringApp;
import dev.kade.backtest.Backtest;
import dev.kade.config.KadeConfig;
import dev.kade.entity.SeriesSettings;
import dev.kade.app.StreamsSetup;
import dev.kade.model.ServableModel;
import dev.kade.onnx.OnnxModel;
import dev.kade.testing.SharedKafka;
import dev.kade.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An alert budget ({@code alerts.budget.per.entity.per.day}) through a real {@link ScoringApp} on a real broker under
 * {@code exactly_once_v2}: a day of event time of 4 noisy hosts (which open 11 to 123 incidents a day without a
 * budget) gives about the budgeted incidents per host on the alert topic (read_committed), the same per host as
 * {@code kade backtest} predicts from the same records, and every record is scored or dead-lettered.
 */
class BudgetIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HOSTS = 4;
    private static final double BUDGET = 5;

    @RegisterExtension
    static final SharedKafka BROKER = new SharedKafka();

    @Test
    void aBudgetPerEntityPerDayGivesAboutThatManyIncidentsAndTheBacktestPredictsThem(@TempDir Path dir) throws Exception {
        String prefix = SharedKafka.unique("budget");
        String bootstrap = BROKER.bootstrapServers();
        ScoringScenario.createTopics(bootstrap, 2, prefix + "-in", prefix + "-alerts", prefix + "-dlq");
        Map<String, String> m = IncidentScenario.settings(bootstrap, prefix, dir);
        Path model = Path.of(m.get("model.path"));
        m.put("kafka.commit.interval.ms", "200");
        m.remove("alerts.incident.quiet.ms"); // the default quiet time: the budget is measured against it
        m.put("alerts.budget.per.entity.per.day", Double.toString(BUDGET));
        KadeConfig config = KadeConfig.fromMap(m);

        long t0 = (System.currentTimeMillis() / 86_400_000L - 2) * 86_400_000L;
        StringBuilder csv = new StringBuilder("host,ts,cpu,memory.used,latency_ms\n");
        int records = 0;
        int bad = 0;
        try (ScoringApp app = ScoringApp.start(config)) {
            assertThat(app.awaitReady(Duration.ofSeconds(60))).as("ready").isTrue();
            Random random = new Random(5);
            try (KafkaProducer<byte[], byte[]> producer = ScoringScenario.producer(bootstrap)) {
                for (long t = 0; t < 86_400_000L; t += 20_000) {
                    for (int h = 0; h < HOSTS; h++) {
                        double base = 20 + 5 * h;
                        double latency = base + random.nextGaussian() * (0.7 + 0.12 * h);
                        String host = "host-" + h;
                        csv.append(String.format(Locale.ROOT, "%s,%d,%.4f,%.4f,%.4f%n", host, t0 + t, base, base, latency));
                        producer.send(record(prefix, host, TestModels.record(base, base, latency), t0 + t));
                        records++;
                    }
                    if (t % 3_600_000L == 0) {
                        producer.send(record(prefix, "host-0", "not json", t0 + t)); // a dead letter an hour
                        bad++;
                    }
                }
                producer.flush();
            }
            int sent = records + bad;
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(app.counts().in()).isEqualTo(sent));
            var counts = app.counts();
            assertThat(counts.scored() + counts.deadLettered()).as("in = scored + dead-lettered").isEqualTo(counts.in());
            assertThat(counts.deadLettered()).isEqualTo(bad);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    ScoringScenario.get(app.metricsPort(), "/metrics")).contains("kade_alert_budget_threshold{"));
        }
        Map<String, Integer> opened = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : ScoringScenario.consumeToEnd(bootstrap, prefix + "-alerts", Duration.ofSeconds(30))) {
            JsonNode e = JSON.readTree(r.value());
            if (e.get("event").asText().equals("opened")) {
                opened.merge(e.get("entity").asText(), 1, Integer::sum);
            }
        }
        System.out.println("budget " + BUDGET + " per host per day: incidents opened " + opened);
        double perHost = opened.values().stream().mapToInt(Integer::intValue).sum() / (double) HOSTS;
        assertThat(perHost).as("incidents per host in the day: %s", opened).isBetween(0.7 * BUDGET, 1.3 * BUDGET);

        // kade backtest on the same records: the same topology, so the same incidents per host
        Path data = Files.writeString(dir.resolve("day.csv"), csv.toString());
        Backtest.Summary predicted = Backtest.run(ServableModel.unowned(OnnxModel.load(model)), SeriesSettings.DEFAULT,
                StreamsSetup.incidents(config), 3, 256, new Backtest.Options(data, Optional.of("host"), Optional.of("ts"),
                        dir.resolve("scores.csv"), Backtest.Format.CSV));
        Map<String, Integer> predictedPerHost = new TreeMap<>();
        predicted.incidents().orElseThrow().openedPerEntity().forEach((k, v) -> predictedPerHost.put(k, v.intValue()));
        assertThat(predictedPerHost).isEqualTo(opened);
    }

    private static ProducerRecord<byte[], byte[]> record(String prefix, String key, String value, long at) {
        return new ProducerRecord<>(prefix + "-in", null, at, key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }
}
