package dev.kade.demo;

import dev.kade.app.ScoringApp;
import dev.kade.cli.DurationConverter;
import dev.kade.config.KadeConfig;
import dev.kade.export.OnnxExporter;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetReader;
import dev.kade.kafka.EmbeddedKafka;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ModelKind;
import dev.kade.train.ConsoleProgress;
import dev.kade.train.TrainConfig;
import dev.kade.train.TrainedModel;
import dev.kade.train.Trainer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole job on an embedded default: broker, training, scoring, a labelled stream, a summary.
 *
 * <p>Only wires the parts; each part is the same code the product runs ({@link Trainer},
 * {@link OnnxExporter}, {@link ScoringApp}), so the demo proves the product, not a copy of it.
 *
 * <p>Packaged only in {@code kade-demo.jar}, with the broker it needs; {@code dev.kade.cli.Main} offers it when
 * this class is on the class path.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run everything on an embedded default: an in-process Kafka (KRaft) broker, an autoencoder "
                + "trained on the shipped shuttle data, the stream scorer, a labelled stream with known anomalies and "
                + "malformed records, /metrics while it runs, and a summary.",
            "The last line of output is the summary as one JSON object: records_in, scored, dead_lettered, alerts, "
                + "precision, recall (against the known labels); with --series: records_in, scored, dead_lettered, "
                + "alerts, windows, windows_caught, alerts_outside_windows and the same per entity."})
public final class DemoCommand implements Callable<Integer> {
    static final String INPUT_TOPIC = "kade-demo-input";
    static final String ALERT_TOPIC = "kade-alerts";
    static final String SCORES_TOPIC = "kade-scores";
    static final String DLQ_TOPIC = "kade-dead-letters";

    @Option(names = "--records", description = "Records to stream (default: one pass over the ${DEFAULT-VALUE} labelled test rows).",
            defaultValue = "21746")
    int records;

    @Option(names = "--duration", description = "Spread the records evenly over this long (ISO-8601 or e.g. 30s, 2m); "
            + "0 sends as fast as the broker takes them. Default: ${DEFAULT-VALUE}.", defaultValue = "0s",
            converter = DurationConverter.class)
    Duration duration;

    @Option(names = "--malformed-every", description = "Replace every Nth record with a malformed one (0 = none). Default: ${DEFAULT-VALUE}.",
            defaultValue = "50")
    int malformedEvery;

    @Option(names = "--kind", description = "Model kind to train: ae or vae. Default: ${DEFAULT-VALUE}.", defaultValue = "ae")
    String kind;

    @Option(names = "--metrics-port", description = "Port for /metrics and /health (0 = any free port). Default: ${DEFAULT-VALUE}.",
            defaultValue = "9404")
    int metricsPort;

    @Option(names = "--processing-guarantee", description = "exactly_once_v2 or at_least_once. Default: ${DEFAULT-VALUE}.",
            defaultValue = "exactly_once_v2")
    String guarantee;

    @Option(names = "--keep-running", description = "After the summary, leave broker, scorer and /metrics up and keep "
            + "sending a trickle of records (--trickle-rate per second) until interrupted.")
    boolean keepRunning;

    @Option(names = "--trickle-rate", description = "Records per second sent with --keep-running. Default: ${DEFAULT-VALUE}.",
            defaultValue = "50")
    int trickleRate;

    @Option(names = "--series", description = "Time-series mode: per-entity scoring of labelled NAB series (a windowed "
            + "model trained on their probationary parts as the NAB benchmark trains it, the rows streamed interleaved "
            + "by time, the series as the record key); reports the alerts against the labelled anomaly windows. "
            + "--records, --duration, --kind, --keep-running and --trickle-rate do not apply.")
    boolean series;

    @Option(names = "--work-dir", description = "Keep the demo's files here: model.onnx and Kafka Streams' state. "
            + "Default: a temporary directory, removed when the demo ends.")
    Path workDir;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Demo records the broker acknowledged, and those it refused. */
    private final java.util.concurrent.atomic.AtomicLong acked = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong sendFailures = new java.util.concurrent.atomic.AtomicLong();

    /** Counted down once broker and scorer are closed, for the --keep-running shutdown hook. */
    private final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        try {
            return runDemo();
        } finally {
            closed.countDown();
        }
    }

    private int runDemo() throws Exception {
        Optional<String> invalid = DemoOptions.problem(records, malformedEvery, kind, guarantee, metricsPort, trickleRate,
                workDir);
        if (invalid.isPresent()) {
            spec.commandLine().getErr().println("kade demo: " + invalid.get());
            return 2;
        }
        if (series) {
            Optional<String> notForSeries = DemoOptions.notForSeries(spec.commandLine().getParseResult());
            if (notForSeries.isPresent()) {
                spec.commandLine().getErr().println("kade demo: " + notForSeries.get());
                return 2;
            }
        }
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("kade-demo-");
        try {
            return series ? new SeriesDemo(metricsPort, guarantee, malformedEvery, System.out).run(dir) : runDemo(dir);
        } finally {
            if (workDir == null) {
                DemoOptions.deleteTree(dir);
            }
        }
    }

    private int runDemo(Path dir) throws Exception {
        PrintStream out = System.out;
        long t0 = System.nanoTime();
        ModelKind modelKind = ModelKind.parse(kind);

        DemoData stream = DemoData.fromResource(DemoData.TEST_RESOURCE);
        out.printf("[demo] 1/4 training the %s on %s%n", modelKind == ModelKind.VAE ? "VAE" : "autoencoder", DemoData.TRAIN_RESOURCE);
        DataSet train = DataSetReader.readResource(DemoData.TRAIN_RESOURCE, DataSetReader.Options.defaults());
        TrainedModel model = new Trainer().train(train, TrainConfig.defaults(modelKind), new ConsoleProgress(out, false));
        Path modelPath = dir.resolve("model.onnx");
        OnnxExporter.export(model, modelPath);
        out.printf("[demo]     model %s written to %s (threshold %.4f)%n", model.metadata().version(), modelPath,
                model.metadata().threshold());

        out.println("[demo] 2/4 starting an embedded Kafka broker (KRaft)");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(2, INPUT_TOPIC, ALERT_TOPIC, SCORES_TOPIC, DLQ_TOPIC);
            out.printf("[demo]     broker at %s%n", kafka.bootstrapServers());

            KadeConfig config = KadeConfig.fromMap(Map.of(
                    KadeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    KadeConfig.APPLICATION_ID, "kade-demo",
                    KadeConfig.INPUT_TOPICS, INPUT_TOPIC,
                    KadeConfig.ALERT_TOPIC, ALERT_TOPIC,
                    KadeConfig.SCORES_TOPIC, SCORES_TOPIC,
                    KadeConfig.DEAD_LETTER_TOPIC, DLQ_TOPIC,
                    KadeConfig.MODEL_PATH, modelPath.toString(),
                    KadeConfig.PROCESSING_GUARANTEE, guarantee,
                    KadeConfig.METRICS_PORT, Integer.toString(metricsPort),
                    KadeConfig.KAFKA_PREFIX + "state.dir", dir.resolve("state").toString()));
            out.println("[demo] 3/4 starting the stream scorer");
            try (ScoringApp app = ScoringApp.start(config);
                 TopicCounter alerts = TopicCounter.start(kafka.bootstrapServers(), ALERT_TOPIC)) {
                if (!app.awaitReady(Duration.ofSeconds(60))) {
                    throw new IllegalStateException("scorer did not become ready within 60 s (state " + app.state() + ")");
                }
                out.printf("[demo]     scorer ready; metrics at http://localhost:%d/metrics%n", app.metricsPort());

                List<DemoRecord> sent = stream.records(records, malformedEvery, "r", 42);
                out.printf("[demo] 4/4 streaming %d records (%d labelled anomalies, %d malformed)%n", sent.size(),
                        sent.stream().filter(DemoRecord::anomaly).count(), sent.stream().filter(DemoRecord::malformed).count());
                long s0 = System.nanoTime();
                try (KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
                    send(producer, sent, app, alerts, out);
                    awaitDrained(app, sent.size(), alerts, out);
                }
                double seconds = (System.nanoTime() - s0) / 1e9;
                Set<String> anomalies = sent.stream().filter(DemoRecord::anomaly).map(DemoRecord::key).collect(Collectors.toSet());
                Set<String> alerted = alerts.keys();
                long truePositives = alerted.stream().filter(anomalies::contains).count();
                KadeMetrics.Counts c = app.counts();
                DemoSummary summary = new DemoSummary(c.in(), c.scored(), c.deadLettered(), alerted.size(),
                        truePositives, anomalies.size(), seconds);
                out.printf("[demo] done in %.1f s: %d in, %d scored, %d dead-lettered, %d alerts; precision %.3f, recall %.3f%n",
                        (System.nanoTime() - t0) / 1e9, summary.recordsIn(), summary.scored(), summary.deadLettered(),
                        summary.alerts(), summary.precision(), summary.recall());
                if (keepRunning) {
                    out.printf("[demo] --keep-running: broker %s, metrics http://localhost:%d/metrics; sending %d records/s; Ctrl-C to stop%n",
                            kafka.bootstrapServers(), app.metricsPort(), trickleRate);
                }
                out.println(summary.toJson());
                out.flush();
                if (keepRunning) {
                    keepRunning(kafka, stream);
                }
                return summary.balanced() ? 0 : 1;
            }
        }
    }

    private void send(KafkaProducer<String, byte[]> producer, List<DemoRecord> sent, ScoringApp app,
                      TopicCounter alerts, PrintStream out) throws InterruptedException {
        long start = System.nanoTime();
        long nanosPerRecord = duration.isZero() ? 0 : duration.toNanos() / sent.size();
        Progress progress = new Progress(out);
        for (int i = 0; i < sent.size(); i++) {
            DemoRecord r = sent.get(i);
            producer.send(new ProducerRecord<>(INPUT_TOPIC, r.key(), r.value()), (meta, error) -> {
                if (error == null) {
                    acked.incrementAndGet();
                } else {
                    sendFailures.incrementAndGet();
                }
            });
            if (nanosPerRecord > 0) {
                long due = start + (i + 1) * nanosPerRecord;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            progress.maybePrint(acked.get(), sent.size(), app.counts(), alerts.count());
        }
        producer.flush();
        if (sendFailures.get() > 0) {
            throw new IllegalStateException(sendFailures.get() + " demo records could not be sent to the broker");
        }
    }

    private void awaitDrained(ScoringApp app, int expected, TopicCounter alerts, PrintStream out)
            throws InterruptedException {
        Progress progress = new Progress(out);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            KadeMetrics.Counts c = app.counts();
            boolean done = c.scored() + c.deadLettered() >= expected && alerts.count() >= c.anomalies();
            progress.maybePrint(acked.get(), expected, c, alerts.count());
            if (done) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the scorer did not finish " + expected + " records within 120 s: " + c);
            }
            Thread.sleep(100);
        }
    }

    /**
     * Sends a trickle of records until the JVM is asked to stop; the shutdown hook then waits (bounded) for
     * the caller's try-with-resources to close scorer and broker, so Ctrl-C leaves no half-closed broker.
     */
    private void keepRunning(EmbeddedKafka kafka, DemoData stream) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                closed.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "kade-demo-shutdown"));
        try (KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
            long i = 0;
            List<DemoRecord> loop = stream.records(stream.size(), malformedEvery, "k", 7);
            long sleepMs = Math.max(1, 1000L / Math.max(1, trickleRate));
            while (!stop.await(sleepMs, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                DemoRecord r = loop.get((int) (i++ % loop.size()));
                producer.send(new ProducerRecord<>(INPUT_TOPIC, r.key() + "-" + i, r.value()));
            }
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Prints a progress line at most once a second. */
    private static final class Progress {
        private final PrintStream out;
        private long last;

        Progress(PrintStream out) {
            this.out = out;
        }

        void maybePrint(long sent, int total, KadeMetrics.Counts c, long alerts) {
            long now = System.nanoTime();
            if (now - last < 1_000_000_000L) {
                return;
            }
            last = now;
            out.printf("[demo]     acked by broker %d/%d  in %d  scored %d  dead-lettered %d  anomalies %d  alerts seen %d%n",
                    sent, total, c.in(), c.scored(), c.deadLettered(), c.anomalies(), alerts);
        }
    }
}
