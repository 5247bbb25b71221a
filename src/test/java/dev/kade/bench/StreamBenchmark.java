package dev.kade.bench;

import dev.kade.config.KadeConfig;
import dev.kade.config.ProcessingGuarantee;
import dev.kade.kafka.EmbeddedKafka;
import dev.kade.stream.ScoringApp;
import dev.kade.stream.ScoringTopology;
import dev.kade.stream.StreamsRunner;
import dev.kade.stream.Topics;
import dev.kade.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * End-to-end throughput and latency on the in-process broker: the scoring topology (ONNX Runtime, one
 * output record per input on the scores topic) against a pass-through topology (same source, one sink,
 * no parsing) in the same run, under both processing guarantees. Prints a table; asserts nothing.
 *
 * <p>Throughput: {@value #BURST} records are produced first, then the application starts; records/s is
 * measured between the first and the last output record a consumer sees. Latency: records are produced
 * at {@value #RATE} records/s for {@value #PACED_SECONDS} s to a running application; latency is the time
 * from the producer's record timestamp to the moment a read_committed consumer sees the output record
 * (outputs keep the input timestamp). Run with:
 * {@code mvn -B -o test -Dtest=StreamBenchmark -Dkade.excludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
class StreamBenchmark {
    static final int BURST = Integer.getInteger("kade.bench.burst", 100_000);
    static final int RATE = Integer.getInteger("kade.bench.rate", 2_000);
    static final int PACED_SECONDS = Integer.getInteger("kade.bench.seconds", 10);

    record Result(String topology, String guarantee, double recordsPerSecond, double p50Ms, double p99Ms, double maxMs) {
    }

    @Test
    void scoringVersusPassThrough() throws Exception {
        Path dir = Files.createTempDirectory("kade-bench-");
        Path model = TestModels.writeModel(dir.resolve("model.onnx"), "bench");
        List<Result> results = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            int run = 0;
            for (ProcessingGuarantee g : ProcessingGuarantee.values()) {
                for (boolean scoring : new boolean[] {false, true}) {
                    run++;
                    results.add(measure(kafka, "b" + run, scoring, g, model, dir));
                }
            }
        }
        String table = table(results);
        System.out.println(table);
        Path out = Path.of("target", "bench-stream.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
    }

    private static Result measure(EmbeddedKafka kafka, String prefix, boolean scoring, ProcessingGuarantee g, Path model,
                                  Path dir) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        // throughput: pre-loaded burst
        String in = prefix + "-in";
        String out = prefix + (scoring ? "-scores" : "-out");
        kafka.createTopics(1, in, out, prefix + "-alerts", prefix + "-dlq");
        produce(bootstrap, in, BURST, 0);
        double throughput;
        try (Running app = start(bootstrap, prefix, scoring, g, model, dir, "burst")) {
            long[] firstLast = consumeUntil(bootstrap, out, BURST, Duration.ofMinutes(5), null);
            throughput = (BURST - 1) * 1e9 / (firstLast[1] - firstLast[0]);
        }
        // latency: paced load against a running app, on fresh topics
        String in2 = prefix + "-lat-in";
        String out2 = prefix + (scoring ? "-lat-scores" : "-lat-out");
        kafka.createTopics(1, in2, out2, prefix + "-lat-alerts", prefix + "-lat-dlq");
        int paced = RATE * PACED_SECONDS;
        long[] latencies = new long[paced];
        try (Running app = start(bootstrap, prefix + "-lat", scoring, g, model, dir, "paced")) {
            Thread producer = new Thread(() -> produce(bootstrap, in2, paced, RATE), "bench-producer");
            producer.start();
            consumeUntil(bootstrap, out2, paced, Duration.ofMinutes(2), latencies);
            producer.join();
        }
        Arrays.sort(latencies);
        return new Result(scoring ? "scoring (ONNX)" : "pass-through", g.streamsValue(), throughput,
                latencies[(int) (paced * 0.50)] / 1000.0, latencies[(int) (paced * 0.99)] / 1000.0,
                latencies[paced - 1] / 1000.0);
    }

    /** A running scoring app or pass-through runner. */
    private interface Running extends AutoCloseable {
        @Override
        void close();
    }

    private static Running start(String bootstrap, String prefix, boolean scoring, ProcessingGuarantee g, Path model,
                                 Path dir, String phase) throws InterruptedException {
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", bootstrap);
        m.put("application.id", prefix + "-" + phase + (scoring ? "-scoring" : "-pass"));
        m.put("input.topics", prefix + "-in");
        m.put("alert.topic", prefix + "-alerts");
        m.put("dead.letter.topic", prefix + "-dlq");
        m.put("model.path", model.toString());
        m.put("processing.guarantee", g.streamsValue());
        m.put("metrics.port", "0");
        m.put("kafka.state.dir", dir.resolve("state").toString());
        if (scoring) {
            m.put("scores.topic", prefix + "-scores");
            KadeConfig config = KadeConfig.fromMap(m);
            ScoringApp app = ScoringApp.start(config);
            if (!app.awaitReady(Duration.ofSeconds(60))) {
                throw new IllegalStateException("scoring app not ready");
            }
            return app::close;
        }
        m.put("alert.topic", prefix + "-out"); // pass-through copies input to this topic
        KadeConfig config = KadeConfig.fromMap(m);
        StreamsRunner runner = new StreamsRunner(ScoringTopology.passThrough(
                new Topics(config.inputTopics(), config.alertTopic(), Optional.empty(), config.deadLetterTopic())),
                config.streamsProperties(), Duration.ofSeconds(10), s -> { });
        runner.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (runner.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return runner::close;
    }

    /** Produces {@code n} normal records; {@code rate} per second, or as fast as possible when 0. */
    private static void produce(String bootstrap, String topic, int n, int rate) {
        Random random = new Random(11);
        byte[][] values = new byte[1000][];
        for (int i = 0; i < values.length; i++) {
            values[i] = TestModels.normal(random).getBytes(StandardCharsets.UTF_8);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, rate == 0 ? 20 : 0), new ByteArraySerializer(), new ByteArraySerializer())) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (rate > 0) {
                    long due = t0 + (long) i * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                producer.send(new ProducerRecord<>(topic, null, System.currentTimeMillis(),
                        ("k" + i).getBytes(StandardCharsets.UTF_8), values[i % values.length]));
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Reads {@code n} records; returns nano times of the first and last. When {@code latencies} is given,
     * records there each record's latency in microseconds (now − record timestamp).
     */
    private static long[] consumeUntil(String bootstrap, String topic, int n, Duration timeout, long[] latencies) {
        long first = 0;
        long last = 0;
        int seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (seen < n && System.nanoTime() < deadline) {
                var records = consumer.poll(Duration.ofMillis(50));
                if (records.isEmpty()) {
                    continue;
                }
                long now = System.nanoTime();
                long wall = System.currentTimeMillis();
                if (seen == 0) {
                    first = now;
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (latencies != null && seen < latencies.length) {
                        latencies[seen] = (wall - r.timestamp()) * 1000;
                    }
                    seen++;
                }
                last = now;
            }
        }
        if (seen < n) {
            throw new IllegalStateException("saw " + seen + " of " + n + " records on " + topic);
        }
        return new long[] {first, last};
    }

    private static String table(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%n| topology | guarantee | throughput (records/s) | p50 latency (ms) | p99 latency (ms) | max (ms) |%n"));
        sb.append("|---|---|---:|---:|---:|---:|\n");
        for (Result r : results) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %.0f | %.0f | %.0f |%n", r.topology(), r.guarantee(),
                    r.recordsPerSecond(), r.p50Ms(), r.p99Ms(), r.maxMs()));
        }
        sb.append(String.format(Locale.ROOT, "%nburst %,d records for throughput; %,d records/s for %d s for latency; "
                + "in-process KRaft broker, 1 partition, 1 stream thread; %d cores; Java %s%n", BURST, RATE, PACED_SECONDS,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        return sb.toString();
    }
}
