package dev.kade.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kade.config.ProcessingGuarantee;
import dev.kade.demo.DemoData;
import dev.kade.demo.DemoRecord;
import dev.kade.export.OnnxExporter;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetReader;
import dev.kade.model.ModelKind;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * The stream benchmark as production runs kade: the broker in its own process ({@link BenchBroker}), and each app in
 * its own JVM: kade as {@code java -jar target/kade.jar run --config FILE}, and the pass-through app
 * ({@link PassThroughApp}: {@code ScoringTopology.passThrough}, no parsing) on the same jar with the same settings file. Both read the
 * same input topic (shuttle test rows as JSON, repeated to {@code --records}, 1 partition), with 1 stream thread
 * ({@code --threads N}: N partitions, the records dealt round-robin, and N stream threads in every app), scores on, one AE trained once here with {@code kade train --kind ae}'s defaults; under at_least_once and
 * exactly_once_v2; several rounds, the order of the two apps alternating from round to round. One app process runs
 * at a time, each from a fresh {@code application.id} reading the topic from the start.
 *
 * <p>Figures per run: records/s between the first and the last output seen by a {@code read_committed} consumer
 * (both apps write one output per input record; the last input record has the key {@code end}, and with several
 * partitions the run ends once its output and as many outputs as inputs have been seen), and the app
 * process's CPU time (user + system, all threads, from {@code /proc/PID/stat}) over the same interval, per record.
 * The broker and the consumer run in other processes, so their CPU is not counted, as a user's bill for the app's
 * pods would not count them. The JVM start, model load and the first records before the first output are outside
 * the interval; JIT warm-up after the first output is inside it, the same for both apps.
 *
 * <p>Prints every run, then per app and guarantee the median and range over rounds, the kade/pass-through ratios
 * paired within each round, and ends with ONE JSON line on stdout. Run with
 * {@code src/bench/stream-process/run [--records N] [--rounds N] [--full]} (see the script).
 */
public final class StreamProcessBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String END_KEY = "end";
    /** {@code -Dkade.bench.shadow=true} (the script's {@code KADE_BENCH_SHADOW=1}): a third app, kade with a shadow model. */
    private static final boolean SHADOW = Boolean.getBoolean("kade.bench.shadow");

    enum App {
        PASS_THROUGH("pass-through"), KADE("kade, scores on"),
        /** kade with a shadow model ({@code model.shadow.path}, a second AE) beside the serving one: issue 20's shadow cost. */
        KADE_SHADOW("kade + shadow"),
        /** kade with the {@code --variant-setting}s on top of its own: a setting measured against kade in the same round. */
        KADE_VARIANT("kade, variant"),
        /**
         * {@code --stateful-reference} (windowed only): the pass-through plus a per-key read and write of a changelogged
         * RocksDB store ({@link StatefulPassThrough}), what per-entity state alone costs in Kafka Streams.
         */
        STATEFUL("stateful pass-through", "stateful"),
        /**
         * {@code --json-reference} (per-record only): Jackson parses each record's features and writes a score record with
         * the fields of kade's ({@link JsonScoreReference}), what JSON in and JSON out alone cost in Kafka Streams.
         */
        JSON_REFERENCE("JSON reference", "json");

        final String label;
        /** A reference app's name: its {@code PassThroughApp} argument and its prefix in the JSON summary; null for the rest. */
        private final String key;

        App(String label) {
            this(label, null);
        }

        App(String label, String key) {
            this.label = label;
            this.key = key;
        }

        /** Whether this app is kade (from the jar's {@code run}), not one of the reference apps. */
        boolean kade() {
            return this != PASS_THROUGH && !reference();
        }

        /** Whether this is a reference app beside the pass-through, whose ratios the summary reports. */
        boolean reference() {
            return key != null;
        }

        /** A reference app's name: {@code PassThroughApp}'s argument and the JSON summary's prefix ({@code stateful_*}, {@code json_*}). */
        String key() {
            if (key == null) {
                throw new IllegalStateException(this + " is not a reference app");
            }
            return key;
        }
    }

    /**
     * One run. {@code jitSeconds} and {@code gcSeconds}: the part of {@code cpuSeconds} spent by the JIT compiler
     * threads and by the garbage collector's threads (a lower bound: a compiler thread the JVM stops during the
     * interval takes its time with it), so that a short run's warm-up can be told from the per-record cost.
     */
    record Run(int round, App app, ProcessingGuarantee guarantee, long records, double seconds, double cpuSeconds,
               double jitSeconds, double gcSeconds, double brokerCpuSeconds, Half secondHalf) {
        double recordsPerSecond() {
            return records / seconds;
        }

        /**
         * The broker process's CPU per record over the same interval (it also serves the benchmark's consumer, the same
         * for every app): what the app's produce requests and transactions cost the broker.
         */
        double brokerCpuMicrosPerRecord() {
            return brokerCpuSeconds * 1e6 / records;
        }

        double cpuMicrosPerRecord() {
            return cpuSeconds * 1e6 / records;
        }

        /** CPU per record without the JIT compiler threads' share. */
        double cpuWithoutJitMicrosPerRecord() {
            return (cpuSeconds - jitSeconds) * 1e6 / records;
        }
    }

    /**
     * The second half of a run's output: by then the JIT has compiled most of the hot paths, as in a pod that has run a
     * while, where the one-time compilation a short run carries (several CPU-seconds, docs/performance.md) is spent.
     */
    record Half(long records, double seconds, double cpuSeconds) {
        double recordsPerSecond() {
            return records / seconds;
        }

        double cpuMicrosPerRecord() {
            return cpuSeconds * 1e6 / records;
        }
    }

    /**
     * @param jvmArgs     JVM options of both app processes
     * @param kadeJvmArgs JVM options of the kade process only (profiling, e.g. {@code -XX:StartFlightRecording=...});
     *                    {@code {run}} in them becomes the run's name ({@code r1}, {@code r2}, ...)
     */
    record Options(int records, int rounds, List<ProcessingGuarantee> guarantees, Path kadeJar, String classPath,
                   List<String> jvmArgs, List<String> kadeJvmArgs, String commit, Windowed windowed,
                   Map<String, String> kadeSettings, Map<String, String> variantSettings, Path variantJar, ServedModel model,
                   boolean statefulReference, boolean jsonReference, int threads) {
        /** The reference apps each round runs beside the pass-through. */
        List<App> references() {
            List<App> r = new ArrayList<>();
            if (statefulReference) {
                r.add(App.STATEFUL);
            }
            if (jsonReference) {
                r.add(App.JSON_REFERENCE);
            }
            return List.copyOf(r);
        }

        /** Whether each round runs a third app, kade with the variant settings and/or the variant jar. */
        boolean variant() {
            return !variantSettings.isEmpty() || variantJar != null;
        }

        /** The variant as the summary names it. */
        String variantLabel() {
            return (variantJar == null ? "" : "jar " + variantJar + (variantSettings.isEmpty() ? "" : " with "))
                    + (variantSettings.isEmpty() ? "" : variantSettings.toString());
        }

        /** The jar an app runs from: the variant's own for {@link App#KADE_VARIANT} when {@code --variant-jar} gave one. */
        Path jarOf(App app) {
            return app == App.KADE_VARIANT && variantJar != null ? variantJar : kadeJar;
        }

        String name() {
            return windowed == null ? "stream-process" : "series-stream";
        }
    }

    /**
     * {@code --windowed}: kade serves a windowed model (W = 32, F = 1, values only) trained here with
     * {@code kade train --window 32 --entity-column entity --time-column timestamp --no-seasonal}, on input records
     * keyed by entity ({@code e0 .. e(entities-1)}, cycling, {@code perEntity} records each), JSON
     * {@code {"value":x}}, record timestamps within the last hour (the broker's retention would delete old ones).
     * After the rounds, the restore time of the last kade run's application id is measured ({@link #restore}).
     */
    record Windowed(int entities, int perEntity) {
    }

    private StreamProcessBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options o = options(args);
        String machine = machine();
        log("machine: %s; commit %s; %,d records, %d rounds, %s, model %s", machine, o.commit(), o.records(), o.rounds(),
                o.guarantees(), o.windowed() == null ? o.model().label : "windowed AE");
        if (!o.kadeSettings().isEmpty()) {
            log("kade's own settings (the pass-through keeps the defaults): %s", o.kadeSettings());
        }
        if (o.variant()) {
            log("variant: kade from %s, each round", o.variantLabel());
        }
        Path dir = Files.createTempDirectory("kade-bench-process-");
        long t0 = System.nanoTime();
        Path model;
        if (o.windowed() == null) {
            model = dir.resolve("shuttle-" + o.model().label + ".onnx");
            DataSet train = DataSetReader.readResource(DemoData.TRAIN_RESOURCE, DataSetReader.Options.defaults());
            if (o.model() == ServedModel.AE) {
                OnnxExporter.export(new Trainer().train(train, TrainConfig.defaults(ModelKind.AE), ProgressListener.NONE), model);
            } else {
                OnnxExporter.export(new Trainer().trainEnsemble(train, dev.kade.train.TrainKind.MIX.defaults().build(), ProgressListener.NONE),
                        model);
            }
            if (SHADOW) {
                OnnxExporter.export(new Trainer().train(train, TrainConfig.defaults(ModelKind.AE).withSeed(7), ProgressListener.NONE),
                        shadowModel(model));
            }
        } else {
            model = trainWindowed(o, dir);
        }
        log("%s trained in %.1f s", o.windowed() == null ? o.model().label : "windowed AE (W=32, F=1)", (System.nanoTime() - t0) / 1e9);
        Restore restore = null;
        String restoreApp = null;
        List<Run> runs = new ArrayList<>();
        try (BenchProcess broker = startBroker(o, dir)) {
            String bootstrap = broker.extra();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                createTopics(admin, o.threads(), "in");
                t0 = System.nanoTime();
                if (o.windowed() == null) {
                    produce(bootstrap, "in", o.records(), o.threads());
                } else {
                    produceEntities(bootstrap, "in", o.windowed());
                }
                log("%,d input records produced in %.1f s", o.records(), (System.nanoTime() - t0) / 1e9);
                int n = 0;
                for (int round = 1; round <= o.rounds(); round++) {
                    for (ProcessingGuarantee g : o.guarantees()) {
                        List<App> order = round % 2 == 1 ? List.of(App.PASS_THROUGH, App.KADE) : List.of(App.KADE, App.PASS_THROUGH);
                        if (SHADOW) {
                            order = round % 2 == 1 ? List.of(App.PASS_THROUGH, App.KADE, App.KADE_SHADOW)
                                    : List.of(App.KADE_SHADOW, App.KADE, App.PASS_THROUGH);
                        }
                        if (o.variant()) {
                            order = round % 2 == 1 ? List.of(App.PASS_THROUGH, App.KADE, App.KADE_VARIANT)
                                    : List.of(App.KADE_VARIANT, App.KADE, App.PASS_THROUGH);
                        }
                        for (App reference : o.references()) {
                            // next to the pass-through: after it in odd rounds, before it in even ones
                            List<App> with = new ArrayList<>(order);
                            with.add(with.indexOf(App.PASS_THROUGH) == 0 ? 1 : with.indexOf(App.PASS_THROUGH), reference);
                            order = List.copyOf(with);
                        }
                        for (App app : order) {
                            Run r = measure(o, admin, broker, dir, model, "r" + (++n), round, app, g);
                            runs.add(r);
                            log("round %d: %-16s %-15s %,9.0f records/s  %6.2f µs CPU/record (%.2f without JIT)  "
                                    + "(%,d records in %.2f s, %.2f s CPU of which JIT %.2f s, GC %.2f s; broker %.2f µs CPU/record)",
                                    round, app.label, g.streamsValue(), r.recordsPerSecond(), r.cpuMicrosPerRecord(),
                                    r.cpuWithoutJitMicrosPerRecord(), r.records(), r.seconds(), r.cpuSeconds(), r.jitSeconds(),
                                    r.gcSeconds(), r.brokerCpuMicrosPerRecord());
                            if (app == App.KADE) {
                                restoreApp = "r" + n;
                            }
                        }
                    }
                }
                if (o.windowed() != null && restoreApp != null) {
                    restore = restore(o, bootstrap, dir, restoreApp);
                }
            }
        }
        deleteUnlessKept(dir);
        String summary = summary(runs, o);
        if (restore != null) {
            summary += "\n\n" + restore.describe(o.windowed().entities() + 1);
        }
        System.err.println(summary);
        Path md = Path.of("target", "bench-" + o.name() + ".md");
        Files.createDirectories(md.getParent());
        Files.writeString(md, summary + "\nMachine: " + machine + "; commit " + o.commit() + "\n");
        System.out.println(json(runs, o, machine, restore));
    }

    private static Options options(String[] args) {
        int records = 300_000;
        int rounds = 3;
        boolean windowed = false;
        boolean full = false;
        int entities = 100_000;
        int perEntity = 3;
        List<ProcessingGuarantee> guarantees = List.of(ProcessingGuarantee.AT_LEAST_ONCE, ProcessingGuarantee.EXACTLY_ONCE_V2);
        Map<String, String> kadeSettings = new LinkedHashMap<>();
        Map<String, String> variantSettings = new LinkedHashMap<>();
        ServedModel served = ServedModel.AE;
        Path variantJar = null;
        boolean statefulReference = false;
        boolean jsonReference = false;
        int threads = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--records" -> records = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--full" -> {
                    records = 1_000_000;
                    rounds = 5;
                    full = true;
                }
                case "--windowed" -> windowed = true;
                // the model kade serves (not windowed): one AE (kade train --kind ae), or kade train's default ensemble
                case "--model" -> served = ServedModel.of(args[++i]);
                case "--entities" -> entities = Integer.parseInt(args[++i]);
                // a setting of kade's process only (the pass-through keeps the defaults), e.g. to measure a
                // producer setting: --kade-setting kafka.producer.compression.type=lz4
                case "--kade-setting" -> setting(kadeSettings, args[i], args[++i]);
                // a third app each round, kade with this setting too, paired with kade per round: what a setting changes
                case "--variant-setting" -> setting(variantSettings, args[i], args[++i]);
                // a third app each round, kade from another build's jar, paired with kade per round: a code change's A/B
                case "--variant-jar" -> variantJar = Path.of(args[++i]);
                // windowed: a third app each round, the pass-through plus per-key state (StatefulPassThrough)
                case "--stateful-reference" -> statefulReference = true;
                // per record: a third app each round, Jackson's parse of the features and write of a score record (JsonScoreReference)
                case "--json-reference" -> jsonReference = true;
                // per record: N input and output partitions and N stream threads in every app (thread scaling)
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--records-per-entity" -> perEntity = Integer.parseInt(args[++i]);
                case "--guarantees" -> guarantees = Arrays.stream(args[++i].split(","))
                        .map(s -> ProcessingGuarantee.valueOf(s.trim().toUpperCase(Locale.ROOT))).toList();
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --records N, --rounds N, --full, --guarantees at_least_once,exactly_once_v2, --windowed, "
                        + "--entities N, --records-per-entity N, --kade-setting KEY=VALUE, --variant-setting KEY=VALUE, --variant-jar PATH, --model ae|default, --stateful-reference, --json-reference, --threads N)");
            }
        }
        Windowed w = null;
        if (windowed) {
            if (full) {
                entities = 1_000_000;
                rounds = 3;
            }
            w = new Windowed(entities, perEntity);
            records = entities * perEntity;
        }
        if (statefulReference && !windowed) {
            throw new IllegalArgumentException("--stateful-reference applies to --windowed (records keyed by entity)");
        }
        if (jsonReference && windowed) {
            throw new IllegalArgumentException("--json-reference applies to the per-record benchmark, not --windowed");
        }
        if (windowed && served != ServedModel.AE) {
            throw new IllegalArgumentException("--model applies to the per-record benchmark, not --windowed (W=32, F=1 AE)");
        }
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("--threads must be in [1, 64], was " + threads);
        }
        if (threads > 1 && windowed) {
            throw new IllegalArgumentException("--threads applies to the per-record benchmark, not --windowed");
        }
        if (records < 1000 || rounds < 1) {
            throw new IllegalArgumentException("--records must be at least 1000 and --rounds at least 1");
        }
        Path jar = Path.of(System.getProperty("kade.bench.jar", "target/kade.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no kade jar at " + jar + " (build it: mvn -pl src/main package -DskipTests)");
        }
        if (variantJar != null && !Files.isRegularFile(variantJar)) {
            throw new IllegalArgumentException("--variant-jar: no jar at " + variantJar);
        }
        return new Options(records, rounds, guarantees, jar, System.getProperty("java.class.path"), words("kade.bench.jvmArgs"),
                words("kade.bench.kadeJvmArgs"), System.getProperty("kade.bench.commit", "unknown"), w, Map.copyOf(kadeSettings),
                Map.copyOf(variantSettings), variantJar, served, statefulReference, jsonReference, threads);
    }

    /** The model kade serves in the per-record benchmark. */
    enum ServedModel {
        /** One AE, {@code kade train --kind ae}'s defaults: the figure issue 18's 1.5x target is about. */
        AE("ae"),
        /** {@code kade train}'s default ensemble ({@code --kind mix}): issue 18's 1.7x target. */
        DEFAULT("default-ensemble");

        final String label;

        ServedModel(String label) {
            this.label = label;
        }

        static ServedModel of(String s) {
            return switch (s) {
                case "ae" -> AE;
                case "default" -> DEFAULT;
                default -> throw new IllegalArgumentException("--model takes ae or default, not " + s);
            };
        }
    }

    private static void setting(Map<String, String> into, String option, String kv) {
        int eq = kv.indexOf('=');
        if (eq < 1) {
            throw new IllegalArgumentException(option + " takes KEY=VALUE, got " + kv);
        }
        into.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }

    private static List<String> words(String property) {
        String v = System.getProperty(property, "").trim();
        return v.isEmpty() ? List.of() : List.of(v.split("\\s+"));
    }

    /** One app, one guarantee: start its process, wait for the last output, stop it. */
    private static Run measure(Options o, Admin admin, BenchProcess broker, Path dir, Path model, String prefix, int round,
                               App app, ProcessingGuarantee g) throws Exception {
        String bootstrap = broker.extra();
        long brokerFirst = 0;
        String out = prefix + "-out";
        createTopics(admin, o.threads(), out, prefix + "-other", prefix + "-dlq");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("bootstrap.servers", bootstrap);
        settings.put("application.id", prefix + "-app");
        settings.put("input.topics", "in");
        settings.put("dead.letter.topic", prefix + "-dlq");
        settings.put("model.path", model.toString());
        settings.put("processing.guarantee", g.streamsValue());
        settings.put("metrics.port", "0");
        settings.put("kafka.state.dir", dir.resolve("state-" + prefix).toString());
        settings.put("kafka.num.stream.threads", Integer.toString(o.threads()));
        if (app.kade()) {
            Files.writeString(dir.resolve(prefix + ".guarantee"), g.streamsValue());
        }
        if (app == App.KADE_SHADOW) {
            settings.put("model.shadow.path", shadowModel(model).toString());
        }
        if (app.kade()) {
            settings.putAll(o.kadeSettings());
            if (app == App.KADE_VARIANT) {
                settings.putAll(o.variantSettings());
            }
            settings.put("scores.topic", out);
            settings.put("alert.topic", prefix + "-other");
        } else {
            settings.put("alert.topic", out);
            if (app == App.JSON_REFERENCE) {
                // the reference writes new records as kade does, so it compresses them as kade's producer does
                // (StreamsSetup gives lz4 to the scorer only); the pass-through keeps Kafka's default
                settings.put("kafka.producer.compression.type", "lz4");
            }
        }
        Path config = dir.resolve(prefix + ".properties");
        Files.writeString(config, String.join("\n", settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()) + "\n");
        List<String> cmd = new ArrayList<>(List.of(BenchProcess.javaBin()));
        cmd.addAll(o.jvmArgs());
        if (app.kade()) {
            o.kadeJvmArgs().forEach(a -> cmd.add(a.replace("{run}", prefix)));
            cmd.addAll(List.of("-jar", o.jarOf(app).toString(), "run", "--config", config.toString()));
        } else {
            // the same shaded jar as kade (same library versions), plus this module's classes for the main class
            cmd.addAll(List.of("-cp", o.kadeJar() + java.io.File.pathSeparator + ownClasses(), PassThroughApp.class.getName(),
                    config.toString()));
            if (app.reference()) {
                cmd.add(app.key());
            }
            if (app == App.JSON_REFERENCE) {
                cmd.add(String.join(",", ShuttleBench.features()));
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < o.threads(); p++) {
                tps.add(new TopicPartition(out, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            tps.forEach(consumer::position);
            try (BenchProcess child = BenchProcess.start(cmd, dir.resolve(prefix + "-" + app.name().toLowerCase(Locale.ROOT) + ".log"), "")) {
                long count = 0;
                boolean endSeen = false;
                long tFirst = 0;
                long cpuFirst = 0;
                long[] threadsFirst = null;
                Map<String, Long> byThreadFirst = null;
                // the second half of the output: the JIT has compiled the hot paths by then, as in a pod that has run a while
                long half = o.records() / 2;
                long tHalf = 0;
                long cpuHalf = 0;
                long[] threadsHalf = null;
                Map<String, Long> byThreadHalf = null;
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
                while (true) {
                    var records = consumer.poll(Duration.ofMillis(5));
                    if (records.isEmpty()) {
                        if (!child.process().isAlive()) {
                            throw new IllegalStateException(app.label + " exited (" + child.process().exitValue() + "); see " + child.log()
                                    + ":\n" + BenchProcess.tail(child.log()));
                        }
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException(app.label + ": no end of output within 10 minutes; see " + child.log());
                        }
                        continue;
                    }
                    long now = System.nanoTime();
                    long cpu = child.cpuTicks();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        count++;
                        if (count == 1) {
                            tFirst = now;
                            cpuFirst = cpu;
                            threadsFirst = child.jitAndGcTicks();
                            brokerFirst = broker.cpuTicks();
                            byThreadFirst = ThreadCpu.byGroup(child.process().pid());
                        }
                        if (count == half) {
                            tHalf = now;
                            cpuHalf = cpu;
                            threadsHalf = child.jitAndGcTicks();
                            byThreadHalf = ThreadCpu.byGroup(child.process().pid());
                        }
                        if (END_KEY.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                            endSeen = true;
                        }
                        // one partition: the end key's output is the last; several: the others' may still come after it
                        if (endSeen && (o.threads() == 1 || count >= o.records())) {
                            if (count != o.records()) {
                                throw new IllegalStateException(app.label + " wrote " + count + " outputs for " + o.records() + " inputs");
                            }
                            long[] threadsLast = child.jitAndGcTicks();
                            Map<String, Long> byThreadLast = ThreadCpu.byGroup(child.process().pid());
                            log("%s %s %s CPU by thread over the interval (µs/record): %s", prefix, app.label, g.streamsValue(),
                                    ThreadCpu.describe(byThreadFirst, byThreadLast, count - 1));
                            long secondHalf = count - half;
                            log("%s %s %s second half (outputs %,d..%,d): %,.0f records/s, %.2f µs CPU/record (%.2f without JIT); "
                                    + "by thread: %s", prefix, app.label, g.streamsValue(), half, count, secondHalf / ((now - tHalf) / 1e9),
                                    (cpu - cpuHalf) * 1e6 / ThreadCpu.TICKS / secondHalf,
                                    (cpu - cpuHalf - (threadsLast[0] - threadsHalf[0])) * 1e6 / ThreadCpu.TICKS / secondHalf,
                                    ThreadCpu.describe(byThreadHalf, byThreadLast, secondHalf));
                            return new Run(round, app, g, count - 1, (now - tFirst) / 1e9, (cpu - cpuFirst) / (double) BenchProcess.TICKS,
                                    (threadsLast[0] - threadsFirst[0]) / (double) BenchProcess.TICKS,
                                    (threadsLast[1] - threadsFirst[1]) / (double) BenchProcess.TICKS,
                                    (broker.cpuTicks() - brokerFirst) / (double) BenchProcess.TICKS,
                                    new Half(secondHalf, (now - tHalf) / 1e9, (cpu - cpuHalf) / (double) BenchProcess.TICKS));
                        }
                    }
                }
            }
        }
    }

    private static BenchProcess startBroker(Options o, Path dir) throws IOException, InterruptedException {
        BenchProcess broker = BenchProcess.startBroker(o.classPath(), dir);
        log("broker process %d ready on %s", broker.process().pid(), broker.extra());
        return broker;
    }

    private static void createTopics(Admin admin, int partitions, String... names) throws Exception {
        List<NewTopic> topics = Arrays.stream(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList();
        admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    }

    /**
     * Shuttle test rows as JSON, repeated to {@code count}; keys k0, k1, ..., the last one {@value #END_KEY}; record
     * {@code i} to partition {@code i mod partitions}, so that every partition holds the same share.
     */
    private static void produce(String bootstrap, String topic, int count, int partitions) {
        DemoData data = DemoData.fromResource(DemoData.TEST_RESOURCE);
        List<DemoRecord> rows = data.records(data.size(), 0, "s", 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                String key = i == count - 1 ? END_KEY : "k" + i;
                producer.send(new ProducerRecord<>(topic, i % partitions, key.getBytes(StandardCharsets.UTF_8),
                        rows.get(i % rows.size()).value()));
            }
            producer.flush();
        }
    }

    /**
     * Trains the windowed model once with the product's CLI, as a user would: a long-format file of 50 entities x
     * 300 hourly steps (a daily sine at each entity's own level, plus noise), {@code --window 32 --no-seasonal}
     * (F = 1: the values-only layout), a small AE, 5 epochs. The model's quality does not matter here, its cost does.
     */
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
        log("%s", String.join(" ", cmd));
        Path log = dir.resolve("train.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.isRegularFile(model)) {
            p.destroyForcibly();
            throw new IllegalStateException("kade train failed; see " + log + ":\n" + BenchProcess.tail(log));
        }
        return model;
    }

    /**
     * Entity records: key {@code e<i mod entities>} cycling through all entities {@code perEntity} times, the last
     * record keyed {@value #END_KEY} (one more entity); value {@code {"value":x}}; record timestamps increasing over
     * the 50 minutes before now, so that the broker's 7-day retention keeps them and no entity sees a gap.
     */
    private static void produceEntities(String bootstrap, String topic, Windowed w) {
        long count = (long) w.entities() * w.perEntity();
        long base = System.currentTimeMillis() - TimeUnit.MINUTES.toMillis(55);
        double stepMs = TimeUnit.MINUTES.toMillis(50) / (double) count;
        SplittableRandom random = new SplittableRandom(11);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < count; i++) {
                int e = (int) (i % w.entities());
                String key = i == count - 1 ? END_KEY : "e" + e;
                String value = String.format(Locale.ROOT, "{\"value\":%.4f}", 50 + (e % 50) * 10 + random.nextGaussian());
                producer.send(new ProducerRecord<>(topic, 0, base + (long) (i * stepMs), key.getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /**
     * Time from {@code java -jar kade.jar run} to {@code /health/ready} answering 200 (Streams RUNNING, model
     * loaded), on an application id whose input is all consumed: once with the local state left by the clean
     * shutdown ({@code warmSeconds}: JVM start, model load, rebalance, nothing to restore), once after deleting the
     * state directory ({@code restoreSeconds}: the same plus restoring every entity from the changelog).
     */
    record Restore(String guarantee, double warmSeconds, double restoreSeconds, long changelogRecords, double warmScoredSeconds,
                   double restoreScoredSeconds, long changelogBytes) {
        String describe(long entities) {
            return String.format(Locale.ROOT, "Restore (%s, %,d entities, changelog end offset %,d, %,d bytes on the broker): "
                    + "ready in %.1f s with the "
                    + "local state, %.1f s after deleting the state directory (%.1f s more); first new record scored at "
                    + "%.1f s with the local state, %.1f s after deleting it (restore from the changelog: %.1f s more)",
                    guarantee, entities, changelogRecords, changelogBytes, warmSeconds, restoreSeconds, restoreSeconds - warmSeconds,
                    warmScoredSeconds, restoreScoredSeconds, restoreScoredSeconds - warmScoredSeconds);
        }
    }

    private static Restore restore(Options o, String bootstrap, Path dir, String prefix) throws Exception {
        String guarantee = Files.readString(dir.resolve(prefix + ".guarantee")).trim();
        long changelog = 0;
        long changelogBytes = 0;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : admin.listTopics().names().get(60, TimeUnit.SECONDS)) {
                if (t.startsWith(prefix + "-app-") && t.endsWith("-changelog")) {
                    var tp = new TopicPartition(t, 0);
                    parts.add(tp);
                    changelog += admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                            .partitionResult(tp).get(60, TimeUnit.SECONDS).offset();
                }
            }
            // the bytes the changelog takes in the broker's log (batches as written: what each commit had to send)
            List<Integer> brokers = admin.describeCluster().nodes().get(60, TimeUnit.SECONDS).stream()
                    .map(org.apache.kafka.common.Node::id).toList();
            for (var dirs : admin.describeLogDirs(brokers).allDescriptions().get(60, TimeUnit.SECONDS).values()) {
                for (var d : dirs.values()) {
                    for (TopicPartition tp : parts) {
                        var info = d.replicaInfos().get(tp);
                        changelogBytes += info == null ? 0 : info.size();
                    }
                }
            }
        }
        double[] warm = timeToReady(o, bootstrap, dir, prefix, "warm");
        log("restore: %s ready in %.1f s with its local state, first new record scored at %.1f s", prefix, warm[0], warm[1]);
        Path state = dir.resolve("state-" + prefix);
        try (var paths = Files.walk(state)) {
            for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
        double[] cold = timeToReady(o, bootstrap, dir, prefix, "restore");
        log("restore: %s ready in %.1f s after deleting its state directory, first new record scored at %.1f s (changelog end "
                + "offset %,d, %,d bytes on the broker)", prefix, cold[0], cold[1], changelog, changelogBytes);
        return new Restore(guarantee, warm[0], cold[0], changelog, warm[1], cold[1], changelogBytes);
    }

    /**
     * Seconds from the process start to /health/ready 200, and to the output of one new record (an existing
     * entity's, produced just before the start): Kafka Streams processes a task's records only once its stores are
     * restored, so the second figure cannot end before the restore does.
     */
    private static double[] timeToReady(Options o, String bootstrap, Path dir, String prefix, String what) throws Exception {
        int port = BenchProcess.freePort();
        Path config = dir.resolve(prefix + "-" + what + ".properties");
        Files.writeString(config, Files.readString(dir.resolve(prefix + ".properties")).replace("metrics.port=0", "metrics.port=" + port));
        List<String> cmd = new ArrayList<>(List.of(BenchProcess.javaBin()));
        cmd.addAll(o.jvmArgs());
        cmd.addAll(List.of("-jar", o.kadeJar().toString(), "run", "--config", config.toString()));
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap);
        TopicPartition tp = new TopicPartition(prefix + "-out", 0);
        consumer.assign(List.of(tp));
        consumer.seekToEnd(List.of(tp));
        consumer.position(tp);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("in", 0, System.currentTimeMillis(), "e0".getBytes(StandardCharsets.UTF_8),
                    "{\"value\":50.0}".getBytes(StandardCharsets.UTF_8))).get(60, TimeUnit.SECONDS);
        }
        long t0 = System.nanoTime();
        double ready = -1;
        double scored = -1;
        try (consumer; BenchProcess child = BenchProcess.start(cmd, dir.resolve(prefix + "-" + what + ".log"), "")) {
            long deadline = t0 + TimeUnit.MINUTES.toNanos(15);
            while (true) {
                if (ready < 0) {
                    try {
                        if (http.send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                            ready = (System.nanoTime() - t0) / 1e9;
                        }
                    } catch (IOException notYet) {
                        // the metrics server is not listening yet
                    }
                }
                if (scored < 0 && !consumer.poll(Duration.ofMillis(50)).isEmpty()) {
                    scored = (System.nanoTime() - t0) / 1e9;
                }
                if (ready >= 0 && scored >= 0) {
                    return new double[] {ready, scored};
                }
                if (!child.process().isAlive()) {
                    throw new IllegalStateException("kade exited (" + child.process().exitValue() + "); see " + child.log() + ":\n"
                            + BenchProcess.tail(child.log()));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("kade not ready within 15 minutes; see " + child.log());
                }
                Thread.sleep(100);
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static String summary(List<Run> runs, Options o) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n%,d records, %s, %d round(s); "
                + "median [min–max] over rounds%n%n| guarantee | pass-through records/s | kade records/s | ratio | "
                + "pass-through CPU µs/record | kade CPU µs/record | CPU ratio (kade / pass-through) | "
                + "CPU ratio without JIT threads |%n|---|---:|---:|---:|---:|---:|---:|---:|%n",
                o.records(), o.threads() == 1 ? "1 partition, 1 stream thread" : o.threads() + " partitions, " + o.threads() + " stream threads",
                o.rounds()));
        for (ProcessingGuarantee g : o.guarantees()) {
            double[] ptRate = values(runs, App.PASS_THROUGH, g, false);
            double[] kRate = values(runs, App.KADE, g, false);
            double[] ptCpu = values(runs, App.PASS_THROUGH, g, true);
            double[] kCpu = values(runs, App.KADE, g, true);
            double[] noJit = ratios(values(runs, App.KADE, g, Run::cpuWithoutJitMicrosPerRecord),
                    values(runs, App.PASS_THROUGH, g, Run::cpuWithoutJitMicrosPerRecord));
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", g.streamsValue(), stat(ptRate, "%,.0f"),
                    stat(kRate, "%,.0f"), stat(ratios(kRate, ptRate), "%.2f"), stat(ptCpu, "%.1f"), stat(kCpu, "%.1f"),
                    stat(ratios(kCpu, ptCpu), "%.2f"), stat(noJit, "%.2f")));
        }
        sb.append(String.format(Locale.ROOT, "%nThe second half of each run's output (outputs %,d..%,d; in a run of a few million "
                + "records the JIT's one-time work is mostly done by then, as in a pod that has run a while):%n%n| guarantee | pass-through records/s | kade records/s | "
                + "ratio | pass-through CPU µs/record | kade CPU µs/record | CPU ratio (kade / pass-through) |%n"
                + "|---|---:|---:|---:|---:|---:|---:|%n", o.records() / 2, o.records()));
        for (ProcessingGuarantee g : o.guarantees()) {
            double[] ptRate = values(runs, App.PASS_THROUGH, g, r -> r.secondHalf().recordsPerSecond());
            double[] kRate = values(runs, App.KADE, g, r -> r.secondHalf().recordsPerSecond());
            double[] ptCpu = values(runs, App.PASS_THROUGH, g, r -> r.secondHalf().cpuMicrosPerRecord());
            double[] kCpu = values(runs, App.KADE, g, r -> r.secondHalf().cpuMicrosPerRecord());
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", g.streamsValue(), stat(ptRate, "%,.0f"),
                    stat(kRate, "%,.0f"), stat(ratios(kRate, ptRate), "%.2f"), stat(ptCpu, "%.2f"), stat(kCpu, "%.2f"),
                    stat(ratios(kCpu, ptCpu), "%.2f")));
        }
        sb.append("\nRatios are paired within each round (kade's run and the pass-through's run of the same round and guarantee).");
        for (ProcessingGuarantee g : SHADOW ? o.guarantees() : List.<ProcessingGuarantee>of()) {
            double[] sCpu = values(runs, App.KADE_SHADOW, g, true);
            double[] kCpu = values(runs, App.KADE, g, true);
            sb.append(String.format(Locale.ROOT, "%nShadow model (%s): kade + shadow %s records/s, %s CPU µs/record; shadow cost "
                    + "ratio (CPU per record, kade + shadow / kade, paired per round) %s; rate ratio %s.", g.streamsValue(),
                    stat(values(runs, App.KADE_SHADOW, g, false), "%,.0f"), stat(sCpu, "%.1f"), stat(ratios(sCpu, kCpu), "%.2f"),
                    stat(ratios(values(runs, App.KADE_SHADOW, g, false), values(runs, App.KADE, g, false)), "%.2f")));
        }
        for (App reference : o.references()) {
            for (ProcessingGuarantee g : o.guarantees()) {
                Reference whole = Reference.of(runs, reference, g, Run::recordsPerSecond, Run::cpuMicrosPerRecord);
                Reference half = Reference.of(runs, reference, g, r -> r.secondHalf().recordsPerSecond(),
                        r -> r.secondHalf().cpuMicrosPerRecord());
                sb.append(String.format(Locale.ROOT, "%n%s (%s): %s records/s, %s CPU µs/record (%s without JIT); "
                    + "paired per round, against the pass-through: rate ratio %s, CPU ratio %s; kade against it: rate ratio %s, "
                    + "CPU ratio %s. Second half: %s records/s, %s CPU µs/record; against the pass-through rate ratio %s, CPU ratio "
                    + "%s; kade against it rate ratio %s, CPU ratio %s.",
                    capitalised(reference.label), g.streamsValue(), stat(whole.rate(), "%,.0f"), stat(whole.cpu(), "%.1f"),
                    stat(values(runs, reference, g, Run::cpuWithoutJitMicrosPerRecord), "%.1f"),
                    stat(whole.rateToPassThrough(), "%.2f"), stat(whole.cpuToPassThrough(), "%.2f"),
                    stat(whole.kadeRateToIt(), "%.2f"), stat(whole.kadeCpuToIt(), "%.2f"),
                    stat(half.rate(), "%,.0f"), stat(half.cpu(), "%.2f"),
                    stat(half.rateToPassThrough(), "%.2f"), stat(half.cpuToPassThrough(), "%.2f"),
                    stat(half.kadeRateToIt(), "%.2f"), stat(half.kadeCpuToIt(), "%.2f")));
            }
        }
        for (ProcessingGuarantee g : o.variant() ? o.guarantees() : List.<ProcessingGuarantee>of()) {
            double[] vRate = values(runs, App.KADE_VARIANT, g, false);
            double[] vCpu = values(runs, App.KADE_VARIANT, g, true);
            sb.append(String.format(Locale.ROOT, "%nVariant %s (%s): %s records/s, %s CPU µs/record (%s without JIT); paired per "
                    + "round with kade: rate ratio %s, CPU ratio %s, broker CPU ratio %s; rate ratio to the pass-through %s.",
                    o.variantLabel(), g.streamsValue(), stat(vRate, "%,.0f"), stat(vCpu, "%.1f"),
                    stat(values(runs, App.KADE_VARIANT, g, Run::cpuWithoutJitMicrosPerRecord), "%.1f"),
                    stat(ratios(vRate, values(runs, App.KADE, g, false)), "%.2f"),
                    stat(ratios(vCpu, values(runs, App.KADE, g, true)), "%.2f"),
                    stat(ratios(values(runs, App.KADE_VARIANT, g, Run::brokerCpuMicrosPerRecord),
                            values(runs, App.KADE, g, Run::brokerCpuMicrosPerRecord)), "%.2f"),
                    stat(ratios(vRate, values(runs, App.PASS_THROUGH, g, false)), "%.2f")));
        }
        return sb.toString();
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * A reference app's records/s and CPU per record over one interval of each round (the whole run or its second half),
     * with its ratios to the pass-through and kade's to it, paired per round: what the text summary and the JSON both
     * report.
     */
    record Reference(App app, double[] rate, double[] cpu, double[] rateToPassThrough, double[] cpuToPassThrough,
                     double[] kadeRateToIt, double[] kadeCpuToIt) {
        static Reference of(List<Run> runs, App app, ProcessingGuarantee g, java.util.function.ToDoubleFunction<Run> rate,
                            java.util.function.ToDoubleFunction<Run> cpu) {
            double[] sRate = values(runs, app, g, rate);
            double[] sCpu = values(runs, app, g, cpu);
            return new Reference(app, sRate, sCpu, ratios(sRate, values(runs, App.PASS_THROUGH, g, rate)),
                    ratios(sCpu, values(runs, App.PASS_THROUGH, g, cpu)), ratios(values(runs, App.KADE, g, rate), sRate),
                    ratios(values(runs, App.KADE, g, cpu), sCpu));
        }

        /** The {@code <key>_*} and {@code kade_*_to_<key>} members of the JSON summary ({@code stateful}, {@code json}). */
        void putInto(ObjectNode node) {
            String key = app.key();
            put(node, key + "_records_per_s", rate);
            put(node, key + "_cpu_us_per_record", cpu);
            put(node, key + "_rate_ratio", rateToPassThrough);
            put(node, key + "_cpu_ratio", cpuToPassThrough);
            put(node, "kade_rate_ratio_to_" + key, kadeRateToIt);
            put(node, "kade_cpu_ratio_to_" + key, kadeCpuToIt);
        }
    }

    /** Per round, in round order: records/s or CPU µs/record of one app and guarantee. */
    private static double[] values(List<Run> runs, App app, ProcessingGuarantee g, boolean cpu) {
        return values(runs, app, g, cpu ? Run::cpuMicrosPerRecord : Run::recordsPerSecond);
    }

    private static double[] values(List<Run> runs, App app, ProcessingGuarantee g, java.util.function.ToDoubleFunction<Run> f) {
        return runs.stream().filter(r -> r.app() == app && r.guarantee() == g).mapToDouble(f).toArray();
    }

    private static double[] ratios(double[] a, double[] b) {
        double[] r = new double[Math.min(a.length, b.length)];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] / b[i];
        }
        return r;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String stat(double[] v, String fmt) {
        double min = Arrays.stream(v).min().orElse(Double.NaN);
        double max = Arrays.stream(v).max().orElse(Double.NaN);
        return String.format(Locale.ROOT, fmt + " [" + fmt + "–" + fmt + "]", median(v), min, max);
    }

    private static String json(List<Run> runs, Options o, String machine, Restore restore) {
        ObjectNode root = JSON.createObjectNode().put("benchmark", o.name()).put("commit", o.commit())
                .put("machine", machine).put("records", o.records()).put("model", o.windowed() == null ? o.model().label : "windowed-ae").put("rounds", o.rounds()).put("partitions", o.threads())
                .put("stream_threads", o.threads());
        if (!o.kadeSettings().isEmpty()) {
            ObjectNode ks = root.putObject("kade_settings");
            o.kadeSettings().forEach(ks::put);
        }
        if (!o.variantSettings().isEmpty()) {
            ObjectNode vs = root.putObject("variant_settings");
            o.variantSettings().forEach(vs::put);
        }
        if (o.variantJar() != null) {
            root.put("variant_jar", o.variantJar().toString());
        }
        root.put("stateful_reference", o.statefulReference());
        root.put("json_reference", o.jsonReference());
        if (o.windowed() != null) {
            root.put("entities", o.windowed().entities()).put("records_per_entity", o.windowed().perEntity()).put("window", 32)
                    .put("features", 1);
        }
        if (restore != null) {
            root.putObject("restore").put("entities", o.windowed().entities() + 1).put("guarantee", restore.guarantee())
                    .put("ready_seconds_with_local_state", round3(restore.warmSeconds()))
                    .put("ready_seconds_state_dir_deleted", round3(restore.restoreSeconds()))
                    .put("first_scored_seconds_with_local_state", round3(restore.warmScoredSeconds()))
                    .put("first_scored_seconds_state_dir_deleted", round3(restore.restoreScoredSeconds()))
                    .put("changelog_records", restore.changelogRecords()).put("changelog_bytes", restore.changelogBytes());
        }
        ArrayNode summary = root.putArray("summary");
        for (ProcessingGuarantee g : o.guarantees()) {
            double[] ptRate = values(runs, App.PASS_THROUGH, g, false);
            double[] kRate = values(runs, App.KADE, g, false);
            double[] ptCpu = values(runs, App.PASS_THROUGH, g, true);
            double[] kCpu = values(runs, App.KADE, g, true);
            ObjectNode s = summary.addObject().put("guarantee", g.streamsValue());
            put(s, "pass_through_records_per_s", ptRate);
            put(s, "kade_records_per_s", kRate);
            put(s, "rate_ratio", ratios(kRate, ptRate));
            put(s, "pass_through_cpu_us_per_record", ptCpu);
            put(s, "kade_cpu_us_per_record", kCpu);
            put(s, "cpu_ratio", ratios(kCpu, ptCpu));
            put(s, "cpu_ratio_without_jit", ratios(values(runs, App.KADE, g, Run::cpuWithoutJitMicrosPerRecord),
                    values(runs, App.PASS_THROUGH, g, Run::cpuWithoutJitMicrosPerRecord)));
            double[] ptHalfCpu = values(runs, App.PASS_THROUGH, g, r -> r.secondHalf().cpuMicrosPerRecord());
            double[] kHalfCpu = values(runs, App.KADE, g, r -> r.secondHalf().cpuMicrosPerRecord());
            double[] ptHalfRate = values(runs, App.PASS_THROUGH, g, r -> r.secondHalf().recordsPerSecond());
            double[] kHalfRate = values(runs, App.KADE, g, r -> r.secondHalf().recordsPerSecond());
            ObjectNode half = s.putObject("second_half");
            put(half, "pass_through_records_per_s", ptHalfRate);
            put(half, "kade_records_per_s", kHalfRate);
            put(half, "rate_ratio", ratios(kHalfRate, ptHalfRate));
            put(half, "pass_through_cpu_us_per_record", ptHalfCpu);
            put(half, "kade_cpu_us_per_record", kHalfCpu);
            put(half, "cpu_ratio", ratios(kHalfCpu, ptHalfCpu));
            if (SHADOW) {
                double[] sCpu = values(runs, App.KADE_SHADOW, g, true);
                put(s, "kade_shadow_records_per_s", values(runs, App.KADE_SHADOW, g, false));
                put(s, "kade_shadow_cpu_us_per_record", sCpu);
                put(s, "shadow_cpu_ratio", ratios(sCpu, kCpu));
                put(s, "shadow_cpu_ratio_without_jit", ratios(values(runs, App.KADE_SHADOW, g, Run::cpuWithoutJitMicrosPerRecord),
                        values(runs, App.KADE, g, Run::cpuWithoutJitMicrosPerRecord)));
                put(s, "shadow_rate_ratio", ratios(values(runs, App.KADE_SHADOW, g, false), kRate));
            }
            for (App reference : o.references()) {
                Reference.of(runs, reference, g, Run::recordsPerSecond, Run::cpuMicrosPerRecord).putInto(s);
                Reference.of(runs, reference, g, r -> r.secondHalf().recordsPerSecond(), r -> r.secondHalf().cpuMicrosPerRecord())
                        .putInto(half);
            }
            if (o.variant()) {
                double[] vRate = values(runs, App.KADE_VARIANT, g, false);
                double[] vCpu = values(runs, App.KADE_VARIANT, g, true);
                put(s, "variant_records_per_s", vRate);
                put(s, "variant_cpu_us_per_record", vCpu);
                put(s, "variant_rate_ratio_to_kade", ratios(vRate, kRate));
                put(s, "variant_cpu_ratio_to_kade", ratios(vCpu, kCpu));
                put(s, "variant_broker_cpu_ratio_to_kade", ratios(values(runs, App.KADE_VARIANT, g, Run::brokerCpuMicrosPerRecord),
                        values(runs, App.KADE, g, Run::brokerCpuMicrosPerRecord)));
                put(s, "variant_rate_ratio_to_pass_through", ratios(vRate, ptRate));
            }
        }
        ArrayNode results = root.putArray("results");
        for (Run r : runs) {
            results.addObject().put("round", r.round()).put("app", r.app().name().toLowerCase(Locale.ROOT))
                    .put("guarantee", r.guarantee().streamsValue()).put("records_per_s", Math.round(r.recordsPerSecond()))
                    .put("cpu_us_per_record", Math.round(r.cpuMicrosPerRecord() * 100) / 100.0)
                    .put("cpu_us_per_record_without_jit", Math.round(r.cpuWithoutJitMicrosPerRecord() * 100) / 100.0)
                    .put("seconds", Math.round(r.seconds() * 1000) / 1000.0).put("cpu_seconds", r.cpuSeconds())
                    .put("jit_cpu_seconds", r.jitSeconds()).put("gc_cpu_seconds", r.gcSeconds())
                    .put("broker_cpu_us_per_record", Math.round(r.brokerCpuMicrosPerRecord() * 100) / 100.0)
                    .put("second_half_records_per_s", Math.round(r.secondHalf().recordsPerSecond()))
                    .put("second_half_cpu_us_per_record", Math.round(r.secondHalf().cpuMicrosPerRecord() * 100) / 100.0);
        }
        return root.toString();
    }

    /** Where the shadow model lies: beside the serving model. */
    private static Path shadowModel(Path model) {
        return model.resolveSibling("shadow-ae.onnx");
    }

    private static void put(ObjectNode node, String name, double[] v) {
        node.putObject(name).put("median", round3(median(v))).put("min", round3(Arrays.stream(v).min().orElse(Double.NaN)))
                .put("max", round3(Arrays.stream(v).max().orElse(Double.NaN)));
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /**
     * Removes the run's directory (broker log, model, app logs and state: hundreds of MB) once the figures are in;
     * {@code -Dkade.bench.keep=true} keeps it. A failed run keeps it, for its logs.
     */
    private static void deleteUnlessKept(Path dir) throws IOException {
        if (Boolean.getBoolean("kade.bench.keep")) {
            log("kept %s", dir);
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Where this benchmark's classes are (a directory or jar). */
    private static String ownClasses() {
        try {
            return Path.of(PassThroughApp.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate the benchmark's classes", e);
        }
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[bench] " + format + "%n", args);
    }

    private static String machine() {
        String cpu = "unknown CPU";
        String load = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
            load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            // not Linux: the core count and Java version still say enough
        }
        return String.format(Locale.ROOT, "%d cores (%s), load average at start %s, Java %s",
                Runtime.getRuntime().availableProcessors(), cpu, load, System.getProperty("java.version"));
    }
}
