package dev.kade.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Latency of windowed scoring at half load, as production runs kade (issue 21's target: p99 ≤ commit interval +
 * 50 ms): the KRaft broker in its own process ({@link BenchBroker}), kade as {@code java -jar target/kade.jar run}
 * in its own JVM, serving a windowed model (W = 32, F = 1, trained here with {@code kade train --window 32
 * --no-seasonal}, as {@code src/bench/stream-process/run --windowed} trains it), 1 partition, 1 stream thread,
 * scores on.
 *
 * <p>Per run (a fresh application id and topics): a burst of {@code entities × perEntity} records keyed by entity,
 * event times in the last hour, waits in the input; kade starts and its rate is that of the burst's second half as a
 * read_committed consumer sees the scores (the first half pays for JIT compilation and start-up). Then, with kade
 * still running, records of the same entities are produced at half that rate for {@code seconds}, each stamped with its send time (the record
 * timestamp, which is the event time kade uses, and which the score record keeps); the latency of each is the
 * consumer's clock when its score is read minus that timestamp (milliseconds, one machine's clock). The first 10%
 * are dropped as warm-up. Output is visible only once committed (read_committed), so the commit interval (100 ms
 * under exactly_once_v2, 1 s under at_least_once by kade's default) bounds what latency can be.
 *
 * <p>Separate from {@code StreamProcessBenchmark} (whose runs measure throughput and CPU) so that the two can change
 * independently; it reuses {@link BenchBroker}. {@code src/bench/series-latency/run [--entities N]
 * [--records-per-entity N] [--seconds N] [--rounds N] [--guarantees ...] [--warm-up-rounds N]}; one JSON line on stdout.
 * One broker serves every round; {@code --warm-up-rounds} runs rounds first that are logged and not counted, so that
 * the counted ones do not carry the broker's own warm-up.
 */
public final class SeriesLatencyBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param warmUpRounds rounds run first on the same broker, logged but left out of the summary and the JSON: with
     *                     them, round 1 is not the broker's first traffic of a guarantee (a production broker has run
     *                     long before a kade starts)
     */
    record Options(int entities, int perEntity, int seconds, int rounds, List<String> guarantees, Path kadeJar, String commit,
                   int warmUpRounds) {
    }

    /**
     * One run's figures; {@code p50First} and {@code p50Last} are the medians of the first and the last quarter of the
     * steady samples in send order: far apart, kade did not keep up at that rate (a queue grew), so the run says more
     * about a saturated machine than about kade's latency.
     */
    record Run(int round, String guarantee, long commitMs, double burstRate, int paced, int samples, double p50, double p99,
               double max, double p50First, double p50Last) {
    }

    private SeriesLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options o = options(args);
        String machine = machine();
        log("machine: %s; commit %s; %,d entities x %d records burst, paced %d s, %d rounds, %s", machine, o.commit(),
                o.entities(), o.perEntity(), o.seconds(), o.rounds(), o.guarantees());
        Path dir = Files.createTempDirectory("kade-bench-latency-");
        Path model = trainWindowed(o, dir);
        List<Run> runs = new ArrayList<>();
        try (BenchProcess broker = BenchProcess.startBroker(System.getProperty("java.class.path"), dir)) {
            String bootstrap = broker.extra();
            int n = 0;
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                for (int w = 1; w <= o.warmUpRounds(); w++) {
                    for (String g : o.guarantees()) {
                        Run r = measure(o, admin, bootstrap, dir, model, "w" + w + "-" + (++n), 0, g);
                        log("warm-up round %d (not counted): %-15s burst %,8.0f records/s; paced at %,d/s: p50 %.0f ms, p99 %.0f ms, "
                                + "max %.0f ms (p50 first quarter %.0f ms, last %.0f ms)", w, g, r.burstRate(), r.paced(), r.p50(),
                                r.p99(), r.max(), r.p50First(), r.p50Last());
                    }
                }
                for (int round = 1; round <= o.rounds(); round++) {
                    for (String g : o.guarantees()) {
                        Run r = measure(o, admin, bootstrap, dir, model, "l" + (++n), round, g);
                        runs.add(r);
                        log("round %d: %-15s burst %,8.0f records/s; paced at %,d/s: p50 %.0f ms, p99 %.0f ms, max %.0f ms "
                                + "(%,d samples; commit interval %d ms, target p99 <= %d ms; p50 first quarter %.0f ms, last %.0f ms)",
                                round, g, r.burstRate(), r.paced(), r.p50(), r.p99(), r.max(), r.samples(), r.commitMs(),
                                r.commitMs() + 50, r.p50First(), r.p50Last());
                    }
                }
            }
        }
        if (!Boolean.getBoolean("kade.bench.keep")) {
            try (var paths = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
        String summary = summary(runs, o);
        System.err.println(summary);
        Path md = Path.of("target", "bench-series-latency.md");
        Files.createDirectories(md.getParent());
        Files.writeString(md, summary + "\nMachine: " + machine + "; commit " + o.commit() + "\n");
        System.out.println(json(runs, o, machine));
    }

    private static Options options(String[] args) {
        int entities = 10_000;
        int perEntity = 3;
        int seconds = 20;
        int rounds = 2;
        List<String> guarantees = List.of("at_least_once", "exactly_once_v2");
        int warmUpRounds = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                // rounds run first and not counted: the broker's first traffic of each guarantee is not in the figures
                case "--warm-up-rounds" -> warmUpRounds = Integer.parseInt(args[++i]);
                case "--entities" -> entities = Integer.parseInt(args[++i]);
                case "--records-per-entity" -> perEntity = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--guarantees" -> guarantees = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (known: --entities N, "
                        + "--records-per-entity N, --seconds N, --rounds N, --guarantees at_least_once,exactly_once_v2, --warm-up-rounds N)");
            }
        }
        for (String g : guarantees) {
            if (!g.equals("at_least_once") && !g.equals("exactly_once_v2")) {
                throw new IllegalArgumentException("--guarantees: " + g + " is neither at_least_once nor exactly_once_v2");
            }
        }
        if (entities < 1 || perEntity < 1 || seconds < 2 || rounds < 1 || warmUpRounds < 0) {
            throw new IllegalArgumentException("--entities, --records-per-entity and --rounds must be >= 1, --seconds >= 2, "
                    + "--warm-up-rounds >= 0");
        }
        return new Options(entities, perEntity, seconds, rounds, guarantees, Path.of("target", "kade.jar").toAbsolutePath(),
                System.getProperty("kade.bench.commit", "unknown"), warmUpRounds);
    }

    /** One run: a fresh application and topics; the burst rate, then latencies at half of it. */
    private static Run measure(Options o, Admin admin, String bootstrap, Path dir, Path model, String prefix, int round, String g)
            throws Exception {
        String in = prefix + "-in";
        String out = prefix + "-scores";
        admin.createTopics(List.of(new NewTopic(in, 1, (short) 1), new NewTopic(out, 1, (short) 1),
                new NewTopic(prefix + "-alerts", 1, (short) 1), new NewTopic(prefix + "-dlq", 1, (short) 1)))
                .all().get(60, TimeUnit.SECONDS);
        int burst = o.entities() * o.perEntity();
        produceBurst(bootstrap, in, o);
        Map<String, String> s = new LinkedHashMap<>();
        s.put("bootstrap.servers", bootstrap);
        s.put("application.id", prefix + "-app");
        s.put("input.topics", in);
        s.put("scores.topic", out);
        s.put("alert.topic", prefix + "-alerts");
        s.put("dead.letter.topic", prefix + "-dlq");
        s.put("model.path", model.toString());
        s.put("processing.guarantee", g);
        s.put("metrics.port", "0");
        s.put("kafka.state.dir", dir.resolve("state-" + prefix).toString());
        s.put("kafka.num.stream.threads", "1");
        Path config = dir.resolve(prefix + ".properties");
        Files.writeString(config, String.join("\n", s.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()) + "\n");
        long commitMs = g.equals("exactly_once_v2") ? 100 : 1000;
        Path log = dir.resolve(prefix + "-kade.log");
        try (BenchProcess kade = BenchProcess.start(List.of(BenchProcess.javaBin(), "-jar", o.kadeJar().toString(), "run",
                "--config", config.toString()), log, "");
             KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            TopicPartition tp = new TopicPartition(out, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            consumer.position(tp);
            // the burst: records/s over its second half (the first half pays for JIT compilation, start-up and the
            // first RocksDB writes, and would make "half load" lighter than half of what kade sustains)
            long count = 0;
            long mid = 0;
            long midCount = 0;
            long last = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (count < burst) {
                var records = consumer.poll(Duration.ofMillis(5));
                if (records.isEmpty()) {
                    if (!kade.isAlive()) {
                        throw new IllegalStateException("kade exited (" + kade.process().exitValue() + "); see " + log + ":\n" + BenchProcess.tail(log));
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("kade scored " + count + " of " + burst + " in 10 minutes; see " + log);
                    }
                    continue;
                }
                long now = System.nanoTime();
                if (mid == 0 && count >= burst / 2) {
                    mid = now;
                    midCount = count;
                }
                count += records.count();
                last = now;
            }
            double rate = (count - midCount) * 1e9 / Math.max(1, last - mid);
            int half = Math.max(50, (int) (rate / 2));
            long[] latencies = paced(bootstrap, in, consumer, o, half);
            int from = latencies.length / 10;
            long[] steady = Arrays.copyOfRange(latencies, from, latencies.length);
            if (steady.length < 8) {
                throw new IllegalStateException("too few scores during the paced phase; see " + log);
            }
            int q = steady.length / 4;
            double firstQuarter = median(Arrays.copyOfRange(steady, 0, q));
            double lastQuarter = median(Arrays.copyOfRange(steady, steady.length - q, steady.length));
            Arrays.sort(steady);
            return new Run(round, g, commitMs, rate, half, steady.length, steady[steady.length / 2],
                    steady[Math.min(steady.length - 1, (int) (steady.length * 0.99))], steady[steady.length - 1], firstQuarter,
                    lastQuarter);
        }
    }

    /**
     * Records of the burst's entities produced at {@code rate}/s for the run's seconds, each stamped with its send
     * time; the latency of each score (ms) as the consumer reads it. The score's {@code event_time} is checked to be
     * the record timestamp, so that what is measured is the record's own score.
     */
    private static long[] paced(String bootstrap, String in, KafkaConsumer<byte[], byte[]> consumer, Options o, int rate)
            throws Exception {
        int n = rate * o.seconds();
        List<Long> latencies = new ArrayList<>();
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = new Thread(() -> {
            SplittableRandom random = new SplittableRandom(13);
            try (KafkaProducer<byte[], byte[]> p = producer(bootstrap, 0)) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    long wait = t0 + (long) i * 1_000_000_000L / rate - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    int e = i % o.entities();
                    p.send(new ProducerRecord<>(in, 0, System.currentTimeMillis(), ("e" + e).getBytes(StandardCharsets.UTF_8),
                            value(e, random)));
                }
                p.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                producing.set(false);
            }
        }, "bench-paced-producer");
        producer.start();
        long drainUntil = Long.MAX_VALUE;
        boolean checked = false;
        while (System.nanoTime() < drainUntil && latencies.size() < n) {
            var records = consumer.poll(Duration.ofMillis(5));
            long now = System.currentTimeMillis();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (!checked) {
                    JsonNode score = JSON.readTree(r.value());
                    long eventTime = Instant.parse(score.get("event_time").asText()).toEpochMilli();
                    if (eventTime != r.timestamp()) {
                        throw new IllegalStateException("a score's timestamp " + r.timestamp() + " is not its event time " + eventTime);
                    }
                    checked = true;
                }
                latencies.add(now - r.timestamp());
            }
            if (!producing.get() && drainUntil == Long.MAX_VALUE) {
                drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // the tail, past a commit
            }
        }
        producer.join();
        if (latencies.size() < n) {
            log("warning: %,d of %,d paced records scored within 5 s after the last was sent", latencies.size(), n);
        }
        return latencies.stream().mapToLong(Long::longValue).toArray();
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static byte[] value(int e, SplittableRandom random) {
        return String.format(Locale.ROOT, "{\"value\":%.4f}", 50 + (e % 50) * 10 + random.nextGaussian()).getBytes(StandardCharsets.UTF_8);
    }

    /** The burst: entities cycling {@code perEntity} times, event times increasing over the 50 minutes before now. */
    private static void produceBurst(String bootstrap, String topic, Options o) {
        long count = (long) o.entities() * o.perEntity();
        long base = System.currentTimeMillis() - TimeUnit.MINUTES.toMillis(55);
        double stepMs = TimeUnit.MINUTES.toMillis(50) / (double) count;
        SplittableRandom random = new SplittableRandom(11);
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, 20)) {
            for (long i = 0; i < count; i++) {
                int e = (int) (i % o.entities());
                producer.send(new ProducerRecord<>(topic, 0, base + (long) (i * stepMs), ("e" + e).getBytes(StandardCharsets.UTF_8),
                        value(e, random)));
            }
            producer.flush();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap, int lingerMs) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, lingerMs), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The windowed model of {@code src/bench/stream-process/run --windowed}, trained the same way. */
    private static Path trainWindowed(Options o, Path dir) throws IOException, InterruptedException {
        Path data = dir.resolve("series-train.csv");
        SplittableRandom random = new SplittableRandom(7);
        StringBuilder sb = new StringBuilder("entity,timestamp,value\n");
        long start = 1_700_000_000L;
        for (int e = 0; e < 50; e++) {
            double level = 50 + 10 * e;
            for (int t = 0; t < 300; t++) {
                double v = level + 10 * Math.sin(2 * Math.PI * t / 24) + random.nextGaussian();
                sb.append("e").append(e).append(',').append(start + 3600L * t).append(',')
                        .append(String.format(Locale.ROOT, "%.4f", v)).append('\n');
            }
        }
        Files.writeString(data, sb);
        Path model = dir.resolve("series-ae.onnx");
        List<String> cmd = List.of(BenchProcess.javaBin(), "-jar", o.kadeJar().toString(), "train", "--data", data.toString(), "--out",
                model.toString(), "--features", "value", "--window", "32", "--entity-column", "entity", "--time-column",
                "timestamp", "--no-seasonal", "--kind", "ae", "--hidden", "32", "--latent-dim", "8", "--activation", "tanh",
                "--epochs", "5", "--early-stopping-patience", "0", "--validation-split", "0.1", "--no-report", "--quiet");
        Path log = dir.resolve("train.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.isRegularFile(model)) {
            p.destroyForcibly();
            throw new IllegalStateException("kade train failed; see " + log + ":\n" + BenchProcess.tail(log));
        }
        return model;
    }

    private static String summary(List<Run> runs, Options o) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "Windowed scoring latency at half load (W = 32, F = 1; "
                + "burst %,d entities x %d; paced %d s; first 10%% dropped), median [min-max] over %d rounds:%n%n"
                + "| guarantee | commit interval (ms) | target p99 (ms) | burst records/s | paced at (records/s) | p50 (ms) | p99 (ms) | max (ms) "
                + "| p50 first / last quarter (ms) |%n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---|%n", o.entities(), o.perEntity(), o.seconds(), o.rounds()));
        for (String g : o.guarantees()) {
            List<Run> rs = runs.stream().filter(r -> r.guarantee().equals(g)).toList();
            if (rs.isEmpty()) {
                continue;
            }
            long commit = rs.get(0).commitMs();
            b.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s | %s | %s |%n", g, commit, commit + 50,
                    stat(rs.stream().mapToDouble(Run::burstRate).toArray(), "%,.0f"),
                    stat(rs.stream().mapToDouble(Run::paced).toArray(), "%,.0f"),
                    stat(rs.stream().mapToDouble(Run::p50).toArray(), "%.0f"),
                    stat(rs.stream().mapToDouble(Run::p99).toArray(), "%.0f"),
                    stat(rs.stream().mapToDouble(Run::max).toArray(), "%.0f"),
                    String.join(", ", rs.stream().map(r -> String.format(Locale.ROOT, "%.0f / %.0f", r.p50First(), r.p50Last())).toList())));
        }
        return b.toString();
    }

    private static String stat(double[] v, String fmt) {
        double[] s = v.clone();
        Arrays.sort(s);
        double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        return String.format(Locale.ROOT, fmt + " [" + fmt + "–" + fmt + "]", median, s[0], s[s.length - 1]);
    }

    private static String json(List<Run> runs, Options o, String machine) {
        ObjectNode root = JSON.createObjectNode();
        root.put("benchmark", "series-latency").put("commit", o.commit()).put("machine", machine)
                .put("entities", o.entities()).put("records_per_entity", o.perEntity()).put("paced_seconds", o.seconds())
                .put("window", 32).put("features", 1).put("rounds", o.rounds()).put("warm_up_rounds", o.warmUpRounds());
        ArrayNode results = root.putArray("results");
        for (Run r : runs) {
            results.addObject().put("round", r.round()).put("guarantee", r.guarantee()).put("commit_interval_ms", r.commitMs())
                    .put("target_p99_ms", r.commitMs() + 50).put("burst_records_per_s", Math.round(r.burstRate()))
                    .put("paced_records_per_s", r.paced()).put("samples", r.samples()).put("p50_ms", r.p50()).put("p99_ms", r.p99())
                    .put("max_ms", r.max()).put("p50_first_quarter_ms", r.p50First()).put("p50_last_quarter_ms", r.p50Last())
                    .put("p99_within_target", r.p99() <= r.commitMs() + 50);
        }
        return root.toString();
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[bench] " + format + "%n", args);
    }

    private static String machine() {
        String load = "?";
        try {
            load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return String.format(Locale.ROOT, "%d cores, load average at start %s, Java %s", Runtime.getRuntime().availableProcessors(),
                load, System.getProperty("java.version"));
    }
}
