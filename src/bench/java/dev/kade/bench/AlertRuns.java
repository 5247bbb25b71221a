package dev.kade.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.ScoringApp;
import dev.kade.metrics.KadeMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the alerting benchmarks ({@link AlertsBenchmark}, {@link BudgetBench}) do alike around each kade run: its
 * settings, waiting until kade has read every record and checking that they add up, then reading what it committed to
 * a topic.
 */
final class AlertRuns {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AlertRuns() {
    }

    /**
     * kade's settings for one run on the in-process broker: {@code alerts.mode=mode} with incidents per record key,
     * {@code exactly_once_v2}, metrics on a free port, its own application id, alert and dead-letter topics and state
     * directory; the caller adds the run's own.
     */
    static Map<String, String> settings(String bootstrap, String applicationId, String input, String alertTopic,
                                        String deadLetterTopic, Path model, Path stateDir, String mode) {
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", bootstrap);
        m.put("application.id", applicationId);
        m.put("input.topics", input);
        m.put("alert.topic", alertTopic);
        m.put("dead.letter.topic", deadLetterTopic);
        m.put("model.path", model.toString());
        m.put("processing.guarantee", "exactly_once_v2");
        m.put("metrics.port", "0");
        m.put("kafka.state.dir", stateDir.toString());
        m.put("alerts.mode", mode);
        m.put("alerts.incident.entity", "key");
        return m;
    }

    /**
     * Waits (up to 2 min) for {@code app} ({@code name} in messages) to be ready and then (up to 15 min) until it has
     * read {@code records}; fails unless in = scored + dead-lettered. Logs {@code label}'s records and the seconds since
     * {@code startedNanos}, then gives the last commit a second.
     */
    static KadeMetrics.Counts awaitCounted(ScoringApp app, String name, String label, long records, long startedNanos)
            throws InterruptedException {
        if (!app.awaitReady(Duration.ofSeconds(120))) {
            throw new IllegalStateException("kade (" + name + ") did not become ready");
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        while (app.counts().in() < records) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("kade (" + name + ") read " + app.counts().in() + " of " + records);
            }
            Thread.sleep(200);
        }
        var c = app.counts();
        if (c.scored() + c.deadLettered() != records) {
            throw new IllegalStateException("in != scored + dead-lettered: " + c);
        }
        System.err.println("[bench] " + String.format(Locale.ROOT, "%s: %,d records scored in %.1f s, %,d anomalous", label,
                c.scored(), (System.nanoTime() - startedNanos) / 1e9, c.anomalies()));
        Thread.sleep(1000); // the last commit
        return c;
    }

    /** Every committed record of a topic (read_committed, its own group), read until none has come for 5 s. */
    static List<JsonNode> consume(String bootstrap, String topic) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        Map<String, Object> p = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG,
                "bench-read-" + topic, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long last = System.nanoTime();
            while (System.nanoTime() - last < Duration.ofSeconds(5).toNanos()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(300))) {
                    out.add(JSON.readTree(r.value()));
                    last = System.nanoTime();
                }
            }
        }
        return out;
    }
}
