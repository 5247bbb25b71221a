package dev.kade.demo;

import dev.kade.app.ScoringApp;
import dev.kade.cli.Main;
import dev.kade.config.KadeConfig;
import dev.kade.kafka.EmbeddedKafka;
import dev.kade.metrics.KadeMetrics;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;

/**
 * {@code kade demo --series}: per-entity time-series scoring on labelled NAB series, end to end on an embedded
 * broker. Trains one windowed model on the series' probationary parts with {@code kade train} and exactly the NAB
 * benchmark's flags ({@code src/bench/nab/run}), serves it with the same {@link ScoringApp} {@code kade run} starts,
 * streams every row of every series interleaved by time (the series as the record key, its row's time as the
 * record timestamp), waits until every record is scored or dead-lettered, and reports the alerts against the
 * labelled windows ({@link SeriesReport}).
 *
 * <p>Training goes through the {@code train} command itself rather than a copy of its steps, so that the demo
 * runs the windowed pipeline a user runs (long-format reading, the entity's seasonal residual, per-entity
 * statistics, the window defaults), with the benchmark's flags written out once, here.
 */
final class SeriesDemo {
    static final String INPUT_TOPIC = "kade-demo-series-input";

    /** {@code kade train} as {@code src/bench/nab/run} calls it (nab-findings v4), less the paths. */
    static final List<String> TRAIN_FLAGS = List.of("--features", "value",
            "--window", "32", "--entity-column", "entity", "--time-column", "timestamp",
            "--kind", "ae", "--hidden", "32", "--latent-dim", "8", "--activation", "tanh", "--epochs", "40",
            "--early-stopping-patience", "0", "--validation-split", "0.01", "--no-report", "--quiet");

    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(120);

    private final int metricsPort;
    private final String guarantee;
    private final int malformedEvery;
    private final PrintStream out;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();

    SeriesDemo(int metricsPort, String guarantee, int malformedEvery, PrintStream out) {
        this.metricsPort = metricsPort;
        this.guarantee = guarantee;
        this.malformedEvery = malformedEvery;
        this.out = out;
    }

    /** Runs the demo in {@code dir}; 0 when the counts add up, 1 when they do not. */
    int run(Path dir) throws Exception {
        long t0 = System.nanoTime();
        SeriesDemoData data = SeriesDemoData.shipped();
        int trainRows = data.series().stream().mapToInt(SeriesDemoData.Series::probationary).sum();
        out.printf("[demo] 1/4 training a windowed autoencoder (W=32) on the probationary parts of %d NAB series "
                + "(%d of %d rows; labels are not read)%n", data.series().size(), trainRows, data.rows());
        Path modelPath = dir.resolve("model.onnx");
        train(data, dir.resolve("train.csv"), modelPath);

        out.println("[demo] 2/4 starting an embedded Kafka broker (KRaft)");
        // NAB's rows are from 2013-2014 and are sent with those times as record timestamps: under the default
        // time-based retention (7 days) the broker would delete them, by timestamp, before the scorer reads them
        // all (and the alerts, which carry the same times). A replay of history needs retention off.
        try (EmbeddedKafka kafka = EmbeddedKafka.start(Map.of("log.retention.ms", "-1"))) {
            kafka.createTopics(2, INPUT_TOPIC, DemoCommand.ALERT_TOPIC, DemoCommand.SCORES_TOPIC, DemoCommand.DLQ_TOPIC);
            out.printf("[demo]     broker at %s%n", kafka.bootstrapServers());
            // the same settings as the per-record demo: a windowed model needs none more, its entity is the record
            // key and its time the record timestamp by default (entity.fields, entity.time.field)
            KadeConfig config = KadeConfig.fromMap(Map.of(
                    KadeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                    KadeConfig.APPLICATION_ID, "kade-demo-series",
                    KadeConfig.INPUT_TOPICS, INPUT_TOPIC,
                    KadeConfig.ALERT_TOPIC, DemoCommand.ALERT_TOPIC,
                    KadeConfig.SCORES_TOPIC, DemoCommand.SCORES_TOPIC,
                    KadeConfig.DEAD_LETTER_TOPIC, DemoCommand.DLQ_TOPIC,
                    KadeConfig.MODEL_PATH, modelPath.toString(),
                    KadeConfig.PROCESSING_GUARANTEE, guarantee,
                    KadeConfig.METRICS_PORT, Integer.toString(metricsPort),
                    KadeConfig.KAFKA_PREFIX + "state.dir", dir.resolve("state").toString()));
            out.println("[demo] 3/4 starting the stream scorer (kade run's code: windows per entity in a RocksDB store)");
            try (ScoringApp app = ScoringApp.start(config);
                 TopicCounter alerts = TopicCounter.start(kafka.bootstrapServers(), DemoCommand.ALERT_TOPIC, true)) {
                if (!app.awaitReady(Duration.ofSeconds(60))) {
                    throw new IllegalStateException("scorer did not become ready within 60 s (state " + app.state() + ")");
                }
                out.printf("[demo]     scorer ready; metrics at http://localhost:%d/metrics%n", app.metricsPort());

                List<ProducerRecord<String, byte[]>> records = records(data);
                long malformed = records.size() - data.rows();
                out.printf("[demo] 4/4 streaming %d records: %d rows of %d series interleaved by time, key = series, "
                        + "timestamp = row time (%d malformed added)%n", records.size(), data.rows(), data.series().size(),
                        malformed);
                long s0 = System.nanoTime();
                try (KafkaProducer<String, byte[]> producer = producer(kafka.bootstrapServers())) {
                    for (ProducerRecord<String, byte[]> r : records) {
                        producer.send(r, (meta, error) -> (error == null ? acked : sendFailures).incrementAndGet());
                    }
                    producer.flush();
                }
                if (sendFailures.get() > 0) {
                    throw new IllegalStateException(sendFailures.get() + " demo records could not be sent to the broker");
                }
                awaitDrained(app, records.size(), alerts);
                double seconds = (System.nanoTime() - s0) / 1e9;
                KadeMetrics.Counts c = app.counts();
                List<SeriesReport.Alert> found = new ArrayList<>();
                for (byte[] v : alerts.values()) {
                    SeriesReport.Alert.parse(v).ifPresent(found::add);
                }
                SeriesReport report = SeriesReport.of(c.in(), c.scored(), c.deadLettered(), data, found, seconds);
                report.print(out);
                out.printf("[demo] done in %.1f s: %d in, %d scored, %d dead-lettered, %d alerts; %d of %d labelled "
                                + "windows caught, %d alerts outside windows%n", (System.nanoTime() - t0) / 1e9,
                        report.recordsIn(), report.scored(), report.deadLettered(), report.alerts().size(),
                        report.windowsCaught(), report.windows(),
                        report.entities().stream().mapToLong(SeriesReport.EntityFindings::outside).sum());
                out.println(report.toJson());
                out.flush();
                return report.balanced() ? 0 : 1;
            }
        }
    }

    /** {@code kade train} on the probationary rows, with the benchmark's flags. */
    private void train(SeriesDemoData data, Path trainCsv, Path modelPath) throws Exception {
        data.writeTrainingCsv(trainCsv);
        List<String> args = new ArrayList<>(List.of("train", "--data", trainCsv.toString(), "--out", modelPath.toString()));
        args.addAll(TRAIN_FLAGS);
        StringWriter said = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(said, true));
        cl.setErr(new PrintWriter(said, true));
        long t0 = System.nanoTime();
        int exit = cl.execute(args.toArray(String[]::new));
        if (exit != 0) {
            throw new IllegalStateException("kade " + String.join(" ", args) + " failed (exit " + exit + "): " + said);
        }
        out.printf("[demo]     kade %s%n", String.join(" ", args));
        said.toString().lines().filter(l -> !l.isBlank()).forEach(l -> out.println("[demo]     " + l.strip()));
        out.printf("[demo]     trained in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Every row as the record {@code kade run} reads: key = the series, timestamp = the row's time, value =
     * {@code {"timestamp":..,"value":..}}. After every {@code malformedEvery}-th row one malformed record is added
     * (never in place of a row, so each series stays whole): by turns one without a key (no entity) and one that
     * is not JSON, so that both dead-letter paths show in the counts.
     */
    List<ProducerRecord<String, byte[]>> records(SeriesDemoData data) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        int n = 0;
        for (SeriesDemoData.Row r : data.interleaved()) {
            SeriesDemoData.Series s = r.series();
            String json = "{\"timestamp\":\"" + s.stamps().get(r.row()) + "\",\"value\":"
                    + Double.parseDouble(s.values().get(r.row())) + "}";
            records.add(new ProducerRecord<>(INPUT_TOPIC, null, r.eventTime(), s.entity(),
                    json.getBytes(StandardCharsets.UTF_8)));
            if (malformedEvery > 0 && ++n % malformedEvery == 0) {
                boolean noKey = (n / malformedEvery) % 2 == 1;
                byte[] bad = (noKey ? json : "{\"value\": 1.0, \"timestamp\"").getBytes(StandardCharsets.UTF_8);
                records.add(new ProducerRecord<>(INPUT_TOPIC, null, r.eventTime(), noKey ? null : s.entity(), bad));
            }
        }
        return records;
    }

    /**
     * Waits until every record is scored or dead-lettered and every alert is readable; gives up only when the
     * scorer makes no progress for {@link #STALL_TIMEOUT} (a loaded machine is slow, not stuck).
     */
    private void awaitDrained(ScoringApp app, int expected, TopicCounter alerts) throws InterruptedException {
        long lastPrint = 0;
        long done = -1;
        long progressAt = System.nanoTime();
        while (true) {
            KadeMetrics.Counts c = app.counts();
            if (c.scored() + c.deadLettered() >= expected && alerts.count() >= c.anomalies()) {
                return;
            }
            if (c.scored() + c.deadLettered() + alerts.count() != done) {
                done = c.scored() + c.deadLettered() + alerts.count();
                progressAt = System.nanoTime();
            }
            if (System.nanoTime() - lastPrint > 2_000_000_000L) {
                lastPrint = System.nanoTime();
                out.printf("[demo]     acked by broker %d/%d  in %d  scored %d  dead-lettered %d  alerts %d%n",
                        acked.get(), expected, c.in(), c.scored(), c.deadLettered(), alerts.count());
            }
            if (System.nanoTime() - progressAt > STALL_TIMEOUT.toNanos()) {
                throw new IllegalStateException("the scorer made no progress for " + STALL_TIMEOUT.toSeconds() + " s with "
                        + (expected - c.scored() - c.deadLettered()) + " of " + expected + " records left: " + c);
            }
            Thread.sleep(100);
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }
}
