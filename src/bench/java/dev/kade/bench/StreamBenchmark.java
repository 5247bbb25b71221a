package dev.kade.bench;

import dev.kade.app.ScoringApp;
import dev.kade.app.StreamsRunner;
import dev.kade.app.StreamsSetup;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kade.config.KadeConfig;
import dev.kade.config.ProcessingGuarantee;
import dev.kade.demo.DemoData;
import dev.kade.demo.DemoRecord;
import dev.kade.export.OnnxExporter;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetReader;
import dev.kade.features.FeatureExtractor;
import dev.kade.kafka.EmbeddedKafka;
import dev.kade.model.ModelKind;
import dev.kade.model.Scores;
import dev.kade.onnx.OnnxModel;
import dev.kade.stream.ScoringTopology;
import dev.kade.stream.Topics;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainConfig;
import dev.kade.train.Trainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
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
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * End-to-end throughput and latency on one in-process broker, in one run: a pass-through app
 * ({@code builder.stream(in).to(out)} as a Processor API topology) and kade with the scores topic on and
 * with alerts only; under at-least-once and exactly-once v2; with 1 stream thread on 1 partition and with
 * N threads on N partitions. Input: the shipped shuttle test rows as JSON, scored by an AE trained here
 * with {@code kade train --kind ae}'s defaults, and (one more app, scores on) by the model {@code kade train}
 * makes with no options, the default ensemble ({@link TrainConfig#DEFAULT_ENSEMBLE} members), so that what an ensemble costs in the stream is measured
 * against the same pass-through in the same run. Prints a table and writes it to {@code target/bench-stream.md},
 * and the same figures as one line of JSON to {@code target/bench-stream.json}.
 *
 * <p>Throughput: {@value #DEFAULT_BURST} records (per partition count, produced once) wait in the input
 * topic before the app starts; the first and the last record of every partition is a strong anomaly
 * (a sentinel), so that even with alerts only the last output of each partition marks the end. Records/s
 * is {@code burst / (last end-sentinel seen − first output seen)} by a read_committed consumer.
 * Latency: then, with the app still running, records are produced at half that rate for a few seconds
 * (paced; each key carries its send time) and a read_committed consumer takes {@code now − send time} for
 * every output (outputs keep the input key); the first 10% are dropped as warm-up. Output topics use
 * {@code LogAppendTime}, so the burst rate is measured from the broker's append times, not from when a
 * consumer happened to poll.
 *
 * <p>Ratios compare kade with the pass-through app of the same guarantee and threads in the same run.
 * The CPU is shared by broker, producer, consumers and app: on a small machine they all compete.
 * Run with {@code src/bench/stream/run [-Dkade.bench.threads=2 -Dkade.bench.burst=100000 -Dkade.bench.seconds=8
 * -Dkade.bench.rounds=2]}; profile one case
 * with {@code -Dkade.bench.apps=KADE_SCORES -Dkade.bench.guarantees=AT_LEAST_ONCE -Dkade.bench.jfr=/tmp/kade.jfr}.
 */
@Tag("benchmark")
class StreamBenchmark {
    static final int DEFAULT_BURST = 100_000;
    static final int BURST = Integer.getInteger("kade.bench.burst", DEFAULT_BURST);
    /** Records in the burst being produced or measured (smaller during the warm-up). */
    private static int burstSize = BURST;
    static final int THREADS = Integer.getInteger("kade.bench.threads", 2);
    static final int LATENCY_SECONDS = Integer.getInteger("kade.bench.seconds", 8);
    /** Rounds over the whole matrix; each case reports its best round (noise on a shared machine only slows). */
    static final int ROUNDS = Integer.getInteger("kade.bench.rounds", 1);
    /** Optional filters for profiling one case: app names and guarantees, comma-separated (default: all). */
    static final String APPS = System.getProperty("kade.bench.apps", "");
    static final String GUARANTEES = System.getProperty("kade.bench.guarantees", "");
    /** Optional: write a Java Flight Recording of the measured runs here. */
    static final String JFR = System.getProperty("kade.bench.jfr", "");

    enum App {
        PASS_THROUGH("pass-through"), KADE_SCORES("kade, scores on"), KADE_ALERTS("kade, alerts only"),
        /** The model {@code kade train} makes with no options (3 AEs + 3 VAEs as one graph), scores on. */
        KADE_DEFAULT_SCORES("kade, default ensemble, scores on");

        final String label;

        App(String label) {
            this.label = label;
        }
    }

    record Case(App app, ProcessingGuarantee guarantee, int threads) {
    }

    record Result(Case c, double recordsPerSecond, int paced, double p50Ms, double p99Ms, double maxMs, int samples) {
    }

    /** The two models: a single default AE and the default ensemble, trained on the same rows. */
    record Models(Path ae, Path ensemble) {
        Path of(App app) {
            return app == App.KADE_DEFAULT_SCORES ? ensemble : ae;
        }
    }

    /** The input: JSON values in order, with sentinel keys at each partition's ends. */
    record Input(List<byte[]> values, byte[] sentinel) {
    }

    @Test
    void kadeVersusPassThrough() throws Exception {
        Path dir = Files.createTempDirectory("kade-bench-");
        long t0 = System.nanoTime();
        Models model = trainShuttleModels(dir);
        Input input = input(model);
        System.out.printf(Locale.ROOT, "[bench] models trained and input built in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        List<Result> results = new ArrayList<>();
        String machine = machine();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            warmUp(kafka, model, dir, input);
            jdk.jfr.Recording recording = null;
            if (!JFR.isEmpty()) {
                recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
                recording.setDestination(Path.of(JFR));
                recording.start();
            }
            int run = 0;
            for (int threads : THREADS > 1 ? new int[] {1, THREADS} : new int[] {1}) {
                String in = "in-" + threads;
                kafka.createTopics(threads, in);
                produceBurst(kafka.bootstrapServers(), in, threads, input);
            }
            for (int round = 1; round <= ROUNDS; round++) {
                for (int threads : THREADS > 1 ? new int[] {1, THREADS} : new int[] {1}) {
                    String in = "in-" + threads;
                    for (ProcessingGuarantee g : List.of(ProcessingGuarantee.AT_LEAST_ONCE, ProcessingGuarantee.EXACTLY_ONCE_V2)) {
                        for (App app : App.values()) {
                            if (!selected(APPS, app.name()) || !selected(GUARANTEES, g.name())) {
                                continue;
                            }
                            Case c = new Case(app, g, threads);
                            Result r = measure(kafka, "r" + (++run), in, c, model, dir, input);
                            results.add(r);
                            System.out.printf(Locale.ROOT, "[bench] round %d: %s %s %d thread(s): %,.0f records/s; at %,d/s p50 %.1f ms, p99 %.1f ms%n",
                                    round, app.label, g.streamsValue(), threads, r.recordsPerSecond(), r.paced(), r.p50Ms(), r.p99Ms());
                        }
                    }
                }
            }
            if (recording != null) {
                recording.stop();
                recording.close();
            }
        }
        String table = table(best(results), machine);
        System.out.println(table);
        Path out = Path.of("target", "bench-stream.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
        Files.writeString(Path.of("target", "bench-stream.json"), json(best(results), machine) + "\n");
    }

    /** The best round per case as one line of JSON, for src/bench/stream/run (see src/bench/README.md). */
    private static String json(List<Result> results, String machine) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode().put("benchmark", "stream").put("machine", machine)
                .put("burst", BURST).put("rounds", ROUNDS).put("latency_seconds", LATENCY_SECONDS);
        ArrayNode cases = root.putArray("results");
        for (Result r : results) {
            double base = passThroughRate(results, r.c());
            cases.addObject().put("app", r.c().app().name().toLowerCase(Locale.ROOT))
                    .put("guarantee", r.c().guarantee().streamsValue()).put("threads", r.c().threads())
                    .put("records_per_s", Math.round(r.recordsPerSecond()))
                    .put("ratio_to_pass_through", Double.isNaN(base) ? null : r.recordsPerSecond() / base)
                    .put("paced_records_per_s", r.paced()).put("p50_ms", r.p50Ms()).put("p99_ms", r.p99Ms())
                    .put("max_ms", r.maxMs()).put("latency_samples", r.samples());
        }
        return root.toString();
    }

    /** The pass-through app's rate for the same guarantee and threads, NaN if it was not run. */
    private static double passThroughRate(List<Result> results, Case c) {
        return results.stream().filter(x -> x.c().app() == App.PASS_THROUGH
                        && x.c().guarantee() == c.guarantee() && x.c().threads() == c.threads())
                .mapToDouble(Result::recordsPerSecond).findFirst().orElse(Double.NaN);
    }

    /** Per case, the round with the highest rate, in first-seen order. */
    private static List<Result> best(List<Result> all) {
        Map<Case, Result> best = new java.util.LinkedHashMap<>();
        for (Result r : all) {
            best.merge(r.c(), r, (a, b) -> b.recordsPerSecond() > a.recordsPerSecond() ? b : a);
        }
        return new ArrayList<>(best.values());
    }

    private static boolean selected(String filter, String name) {
        return filter.isEmpty() || Arrays.asList(filter.toUpperCase(Locale.ROOT).split(",")).contains(name);
    }

    /**
     * One short untimed round of each app, so that the broker's and the apps' code is compiled by the JIT
     * before the first measured case (else the first case measures the JIT).
     */
    private static void warmUp(EmbeddedKafka kafka, Models model, Path dir, Input input) throws Exception {
        String in = "warm-in";
        kafka.createTopics(1, in);
        int saved = burstSize;
        burstSize = Math.min(BURST, 20_000);
        try {
            produceBurst(kafka.bootstrapServers(), in, 1, input);
            for (App app : App.values()) {
                String prefix = "warm-" + app.ordinal();
                kafka.createTopics(1, prefix + "-out", prefix + "-other", prefix + "-dlq");
                try (Running r = start(kafka.bootstrapServers(), prefix, in, prefix + "-out", new Case(app,
                        ProcessingGuarantee.AT_LEAST_ONCE, 1), model, dir)) {
                    burstRate(kafka.bootstrapServers(), prefix + "-out", 1);
                }
            }
        } finally {
            burstSize = saved;
        }
    }

    /**
     * Trains the default AE ({@code kade train --kind ae}) and the default ensemble ({@code kade train}: 3 AEs and
     * 3 VAEs) on the shipped shuttle training rows.
     */
    private static Models trainShuttleModels(Path dir) {
        DataSet train = DataSetReader.readResource(DemoData.TRAIN_RESOURCE, DataSetReader.Options.defaults());
        Path ae = dir.resolve("shuttle-ae.onnx");
        OnnxExporter.export(new Trainer().train(train, TrainConfig.defaults(ModelKind.AE), ProgressListener.NONE), ae);
        Path ensemble = dir.resolve("shuttle-default.onnx");
        TrainConfig mix = TrainConfig.defaults(ModelKind.AE).toBuilder().mixed(true).ensemble(TrainConfig.DEFAULT_ENSEMBLE).build();
        OnnxExporter.export(new Trainer().trainEnsemble(train, mix, ProgressListener.NONE), ensemble);
        return new Models(ae, ensemble);
    }

    /** Shuttle test rows as JSON, repeated to the burst size, and the row the model scores highest (the sentinel). */
    private static Input input(Models models) throws Exception {
        Path model = models.ae();
        DemoData data = DemoData.fromResource(DemoData.TEST_RESOURCE);
        List<DemoRecord> records = data.records(data.size(), 0, "s", 1);
        List<byte[]> values = new ArrayList<>(records.size());
        records.forEach(r -> values.add(r.value()));
        byte[] sentinel = null;
        try (OnnxModel m = OnnxModel.load(model)) {
            FeatureExtractor fx = new FeatureExtractor(m.metadata().features());
            float[][] rows = new float[values.size()][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = fx.extract(values.get(i));
            }
            Scores s = m.score(rows);
            int best = 0;
            for (int i = 1; i < s.size(); i++) {
                if (s.score()[i] > s.score()[best]) {
                    best = i;
                }
            }
            if (s.score()[best] < m.metadata().threshold() * 2) {
                throw new IllegalStateException("no clear anomaly in the shuttle test rows to use as a sentinel");
            }
            sentinel = values.get(best);
        }
        return new Input(values, sentinel);
    }

    private static Result measure(EmbeddedKafka kafka, String prefix, String in, Case c, Models model, Path dir, Input input)
            throws Exception {
        String bootstrap = kafka.bootstrapServers();
        String out = prefix + "-out";
        // the paced records go to a topic of their own, so that no case reads another case's paced records
        String paced = prefix + "-paced";
        kafka.createTopics(c.threads(), paced, prefix + "-other", prefix + "-dlq");
        try (Admin admin = kafka.admin()) {
            // the broker stamps each output when it appends it: the rate does not depend on when a consumer looks
            admin.createTopics(List.of(new NewTopic(out, c.threads(), (short) 1)
                    .configs(Map.of("message.timestamp.type", "LogAppendTime")))).all().get(30, TimeUnit.SECONDS);
        }
        try (Running app = start(bootstrap, prefix, in + "," + paced, out, c, model, dir)) {
            double rate = burstRate(bootstrap, out, c.threads());
            int half = Math.max(100, (int) (rate / 2));
            long[] latencies = pacedLatencies(bootstrap, paced, out, c.threads(), half, input);
            int from = latencies.length / 10;
            long[] steady = Arrays.copyOfRange(latencies, from, latencies.length);
            Arrays.sort(steady);
            if (steady.length == 0) {
                throw new IllegalStateException("no output during the paced phase of " + c);
            }
            return new Result(c, rate, half, steady[(int) (steady.length * 0.50)] / 1000.0,
                    steady[Math.min(steady.length - 1, (int) (steady.length * 0.99))] / 1000.0, steady[steady.length - 1] / 1000.0,
                    steady.length);
        }
    }

    /** A running app: closes it. */
    private interface Running extends AutoCloseable {
        @Override
        void close();
    }

    private static Running start(String bootstrap, String prefix, String in, String out, Case c, Models models, Path dir)
            throws InterruptedException {
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", bootstrap);
        m.put("application.id", prefix + "-app");
        m.put("input.topics", in);
        m.put("dead.letter.topic", prefix + "-dlq");
        m.put("model.path", models.of(c.app()).toString());
        m.put("processing.guarantee", c.guarantee().streamsValue());
        m.put("metrics.port", "0");
        m.put("kafka.state.dir", dir.resolve("state-" + prefix).toString());
        m.put("kafka.num.stream.threads", Integer.toString(c.threads()));
        switch (c.app()) {
            case KADE_SCORES, KADE_DEFAULT_SCORES -> {
                m.put("scores.topic", out);
                m.put("alert.topic", prefix + "-other");
            }
            case KADE_ALERTS, PASS_THROUGH -> m.put("alert.topic", out);
        }
        KadeConfig config = KadeConfig.fromMap(m);
        if (c.app() != App.PASS_THROUGH) {
            ScoringApp app = ScoringApp.start(config);
            if (!app.awaitReady(Duration.ofSeconds(60))) {
                app.close();
                throw new IllegalStateException("kade not ready: " + c);
            }
            return app::close;
        }
        StreamsRunner runner = new StreamsRunner(ScoringTopology.passThrough(
                new Topics(config.inputTopics(), config.alertTopic(), Optional.empty(), config.deadLetterTopic())),
                StreamsSetup.properties(config), Duration.ofSeconds(30), s -> { },
                new dev.kade.health.CrashLoopDetector(3, dev.kade.health.HealthMonitor.Snapshot::none), () -> { });
        runner.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (runner.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return runner::close;
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap, int lingerMs) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, lingerMs, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The burst: partition p gets every partitions-th record; its first and last are sentinels keyed begin-p/end-p. */
    private static void produceBurst(String bootstrap, String topic, int partitions, Input input) {
        int perPartition = burstSize / partitions;
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, 20)) {
            int n = 0;
            for (int i = 0; i < perPartition; i++) {
                for (int p = 0; p < partitions; p++) {
                    String key = i == 0 ? "begin-" + p : i == perPartition - 1 ? "end-" + p : "b" + n;
                    byte[] value = i == 0 || i == perPartition - 1 ? input.sentinel() : input.values().get(n % input.values().size());
                    producer.send(new ProducerRecord<>(topic, p, key.getBytes(StandardCharsets.UTF_8), value));
                    n++;
                }
            }
            producer.flush();
        }
    }

    /** Records/s between the broker's append times of the first output and of the last end sentinel. */
    private static double burstRate(String bootstrap, String out, int partitions) {
        Set<String> ends = new HashSet<>();
        long first = Long.MAX_VALUE;
        long last = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "burst-" + out)) {
            consumer.subscribe(List.of(out));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (ends.size() < partitions) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("saw only " + ends.size() + " of " + partitions + " end sentinels on " + out);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    first = Math.min(first, r.timestamp());
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    if (key.startsWith("end-")) {
                        ends.add(key);
                        last = Math.max(last, r.timestamp());
                    }
                }
            }
        }
        return (burstSize - 1) * 1e3 / Math.max(1, last - first);
    }

    /** Latencies in µs of the outputs of records produced at {@code rate}/s for a few seconds. */
    private static long[] pacedLatencies(String bootstrap, String in, String out, int partitions, int rate, Input input)
            throws InterruptedException {
        int n = rate * LATENCY_SECONDS;
        List<Long> latencies = new ArrayList<>();
        AtomicBoolean producing = new AtomicBoolean(true);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "paced-" + out)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(out, p));
            }
            consumer.assign(tps);
            consumer.seekToEnd(tps);
            tps.forEach(consumer::position); // resolve the end now, before the paced records arrive
            Thread producer = new Thread(() -> {
                try (KafkaProducer<byte[], byte[]> p = producer(bootstrap, 0)) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        long wait = t0 + (long) i * 1_000_000_000L / rate - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        // the key carries the send time (outputs keep the key; the output timestamp is the broker's)
                        p.send(new ProducerRecord<>(in, i % partitions, ("p" + System.nanoTime()).getBytes(StandardCharsets.UTF_8),
                                input.values().get(i % input.values().size())));
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
            while (System.nanoTime() < drainUntil) {
                var records = consumer.poll(Duration.ofMillis(5));
                long now = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    if (key.startsWith("p")) {
                        latencies.add((now - Long.parseLong(key.substring(1))) / 1000);
                    }
                }
                if (!producing.get() && drainUntil == Long.MAX_VALUE) {
                    drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2); // the tail, past a commit
                }
            }
            producer.join();
        }
        return latencies.stream().mapToLong(Long::longValue).toArray();
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String group) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static String table(List<Result> results, String machine) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%n| app | guarantee | partitions / threads | records/s | ratio to pass-through "
                + "| paced at (records/s) | p50 latency (ms) | p99 latency (ms) | max (ms) |%n"));
        sb.append("|---|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            double base = passThroughRate(results, r.c());
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d / %d | %,.0f | %.2f | %,d | %.1f | %.1f | %.0f |%n",
                    r.c().app().label, r.c().guarantee().streamsValue(), r.c().threads(), r.c().threads(),
                    r.recordsPerSecond(), r.recordsPerSecond() / base, r.paced(), r.p50Ms(), r.p99Ms(), r.maxMs()));
        }
        sb.append(String.format(Locale.ROOT, "%nOne run, one in-process KRaft broker, best of %d round(s) per case. Burst of "
                + "%,d shuttle rows as JSON per partition count; latency at half the measured rate for %d s (first 10%% dropped), read_committed "
                + "consumers. kade defaults: batch.max.records=256, batch.max.wait.ms=5, "
                + "commit.interval.ms %d (at_least_once) / %d (exactly_once_v2). Machine: %s.%n", ROUNDS, BURST, LATENCY_SECONDS,
                KadeConfig.DEFAULT_AT_LEAST_ONCE_COMMIT_INTERVAL_MS, KadeConfig.EXACTLY_ONCE_COMMIT_INTERVAL_MS, machine));
        return sb.toString();
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // not Linux: the core count and Java version still say enough
        }
        String load = "";
        try {
            load = ", load average at start " + Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return String.format(Locale.ROOT, "%d cores (%s)%s, Java %s", Runtime.getRuntime().availableProcessors(), cpu, load,
                System.getProperty("java.version"));
    }
}
