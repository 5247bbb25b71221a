package dev.kade.backtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetException;
import dev.kade.features.DataSetReader;
import dev.kade.features.KeyColumns;
import dev.kade.features.RecordJson;
import dev.kade.metrics.KadeMetrics;
import dev.kade.output.DeadLetterHeaders;
import dev.kade.series.SeriesTime;
import dev.kade.entity.SeriesSettings;
import dev.kade.model.ServableModel;
import dev.kade.output.OutputLimits;
import dev.kade.stream.Batching;
import dev.kade.stream.ModelRegistry;
import dev.kade.stream.ScoringTopology;
import dev.kade.stream.Topics;
import dev.kade.stream.TopologyConfig;
import dev.kade.topic.TopicRange;
import dev.kade.topic.TopicSource;
import dev.kade.topic.TopicSourceException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Replays recorded data through the stream's own topology and writes every score: what {@code kade run} would
 * have scored and alerted, before it is deployed. Not a second implementation: the rows become the records
 * {@code run} would read (the entity as the record key, the time as the record timestamp, the features as
 * JSON), and {@link ScoringTopology} scores them in Kafka Streams' {@link TopologyTestDriver}, with the same
 * processor, state store, policies and outputs; the score records and dead letters it produces are what is
 * written out.
 *
 * <p>The records come from a file (long format: rows become records) or from a Kafka topic over an offset or time
 * range ({@link TopicRange}: the committed records as they are, merged across partitions by timestamp); both go
 * through the same {@code Replay}, so a topic holding a file's records gives the file's scores.
 *
 * <p>Output, one line per input record in replay order: CSV ({@code row,entity,time,score,likelihood,anomaly_score,
 * warming_up,alert,dead_letter}, and {@code partition,offset} for a topic) or JSON Lines (each score record as the
 * scores topic carries it, plus {@code row}, with a topic's record's own {@code source}; a dead-lettered record as
 * {@code {"row":..,"dead_letter":reason}}).
 */
public final class Backtest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The input topic of a backtest's topology (never on a broker). */
    public static final String INPUT = "backtest-input";

    /** How results are written. */
    public enum Format { CSV, JSONL }

    /**
     * What to replay.
     *
     * @param data         CSV or JSON Lines, long format (one row per entity and time step)
     * @param entityColumn the column naming each row's entity; empty: the whole file is one entity
     * @param timeColumn   the column holding each row's time (ISO-8601 or epoch seconds/millis); empty: file order,
     *                     one second apart
     * @param out          where every score goes
     * @param format       CSV or JSON Lines
     */
    public record Options(Path data, Optional<String> entityColumn, Optional<String> timeColumn, Path out, Format format) {
        public Options {
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(entityColumn, "entityColumn");
            Objects.requireNonNull(timeColumn, "timeColumn");
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(format, "format");
        }
    }

    /**
     * What would have happened.
     *
     * @param records         rows replayed
     * @param scored          rows scored
     * @param warmingUp       scored while their entity was warming up
     * @param alerts          rows that would have alerted
     * @param deadLettered    rows that would have gone to the dead-letter topic, by reason
     * @param alertsPerEntity alerts of each entity that had any
     * @param entities        distinct entities
     * @param firstTime       earliest event time scored (epoch ms), or empty
     * @param lastTime        latest event time scored (epoch ms), or empty
     */
    public record Summary(long records, long scored, long warmingUp, long alerts, Map<String, Long> deadLettered,
                          Map<String, Long> alertsPerEntity, long entities, Optional<Instant> firstTime, Optional<Instant> lastTime,
                          Optional<Incidents> incidents) {
        /** Without incidents (per-record alerts). */
        public Summary(long records, long scored, long warmingUp, long alerts, Map<String, Long> deadLettered,
                       Map<String, Long> alertsPerEntity, long entities, Optional<Instant> firstTime, Optional<Instant> lastTime) {
            this(records, scored, warmingUp, alerts, deadLettered, alertsPerEntity, entities, firstTime, lastTime, Optional.empty());
        }

        /** Days of event time between the first and the last record scored, when they differ. */
        public Optional<Double> days() {
            if (firstTime.isEmpty() || lastTime.isEmpty() || !lastTime.get().isAfter(firstTime.get())) {
                return Optional.empty();
            }
            return Optional.of((lastTime.get().toEpochMilli() - firstTime.get().toEpochMilli()) / 86_400_000.0);
        }

        /**
         * Incidents opened per entity per day of event time, over every entity scored (those that opened none count as
         * 0), when the replay ran in incident mode and spans time.
         */
        public Optional<Double> incidentsPerEntityPerDay() {
            return incidents.flatMap(i -> days().map(d -> i.entities() == 0 ? 0.0 : i.opened() / d / i.entities()));
        }

        /** Alerts per 1,000 scored records. */
        public double alertsPerThousand() {
            return scored == 0 ? 0 : 1000.0 * alerts / scored;
        }

        /** Alerts per day of event time, when the data spans time. */
        public Optional<Double> alertsPerDay() {
            if (firstTime.isEmpty() || lastTime.isEmpty() || !lastTime.get().isAfter(firstTime.get())) {
                return Optional.empty();
            }
            return days().map(d -> alerts / d);
        }

        /** A few lines for a terminal. */
        public String describe() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "%d records, %d scored (%d warming up), %d dead-lettered%s%n", records, scored,
                    warmingUp, deadLettered.values().stream().mapToLong(Long::longValue).sum(),
                    deadLettered.isEmpty() ? "" : " " + deadLettered));
            b.append(String.format(Locale.ROOT, "%d alerts: %.2f per 1,000 scored records%s, %d of %d entities alerted%n", alerts,
                    alertsPerThousand(), alertsPerDay().map(d -> String.format(Locale.ROOT, ", %.2f per day", d)).orElse(""),
                    alertsPerEntity.size(), entities));
            alertsPerEntity.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).limit(10)
                    .forEach(e -> b.append(String.format(Locale.ROOT, "  %-40s %d alerts%n", e.getKey(), e.getValue())));
            incidents.ifPresent(i -> {
                b.append(String.format(Locale.ROOT, "%d incidents opened%s%s, %d of %d entities opened any%n", i.opened(),
                        days().map(d -> String.format(Locale.ROOT, ": %.2f per day", i.opened() / d)).orElse(""),
                        incidentsPerEntityPerDay().map(d -> String.format(Locale.ROOT, ", %.2f per entity per day", d)).orElse(""),
                        i.openedPerEntity().size(), i.entities()));
                i.openedPerEntity().entrySet().stream().sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).limit(10)
                        .forEach(e -> b.append(String.format(Locale.ROOT, "  %-40s %d incidents%s%n", e.getKey(), e.getValue(),
                                days().map(d -> String.format(Locale.ROOT, " (%.2f per day)", e.getValue() / d)).orElse(""))));
            });
            return b.toString();
        }
    }

    /**
     * The incidents a replay in incident mode opened ({@code alerts.mode=incident}, with any budget): read from the
     * alert topic the topology wrote, so they are what the stream would have sent.
     *
     * @param opened          incidents opened
     * @param openedPerEntity of each entity that opened any
     * @param entities        incident entities seen: a windowed model's series entities; for a per-record model its
     *                        distinct record keys ({@code alerts.incident.entity=key}) or its one partition
     */
    public record Incidents(long opened, Map<String, Long> openedPerEntity, long entities) {
        public Incidents {
            openedPerEntity = Map.copyOf(openedPerEntity);
        }
    }

    private Backtest() {
    }

    /** The topics of a backtest's topology (never on a broker). */
    public static Topics topics() {
        return new Topics(List.of(INPUT), "backtest-alerts", Optional.of("backtest-scores"), "backtest-dead-letters");
    }

    /**
     * Replays {@code options.data()} through {@link ScoringTopology} serving {@code model} (which it closes) with
     * {@code series} settings, batches of up to {@code batchMaxRecords}, and {@code topFeatures} in alerts.
     */
    public static Summary run(ServableModel model, SeriesSettings series, int topFeatures, int batchMaxRecords, Options options) {
        return run(model, series, dev.kade.incident.IncidentSettings.DEFAULT, topFeatures, batchMaxRecords, options);
    }

    /**
     * As {@link #run(ServableModel, SeriesSettings, int, int, Options)}, with alert settings: in incident mode (and with
     * an alert budget, {@code alerts.budget.*}) the summary counts the incidents the stream would have opened.
     */
    public static Summary run(ServableModel model, SeriesSettings series, dev.kade.incident.IncidentSettings incidents,
                              int topFeatures, int batchMaxRecords, Options options) {
        TopologyConfig config = new TopologyConfig(topics(), topFeatures, Clock.systemUTC(),
                new Batching(batchMaxRecords, Batching.DEFAULT.maxWait()), OutputLimits.DEFAULT, false, series)
                .withIncidents(readable(incidents));
        try (ModelRegistry models = ModelRegistry.of(model)) {
            return run(config, models, options);
        }
    }

    /**
     * Incident events in kade's own format, which the replay reads back (an Alertmanager rendering carries the same
     * incidents; only how they are written differs), and no feedback topic (the replay has no broker to read it from).
     */
    private static dev.kade.incident.IncidentSettings readable(dev.kade.incident.IncidentSettings s) {
        return new dev.kade.incident.IncidentSettings(s.mode(), s.perRecordEntity(), s.updateInterval(), s.quietTime(),
                s.resolveAfterNormal(), s.linkTemplate(), dev.kade.incident.IncidentFormat.KADE, false, s.muteRules(),
                dev.kade.incident.FeedbackSettings.OFF, s.budget());
    }

    /**
     * Replays {@code options.data()} through {@link ScoringTopology} built from {@code config} (whose topics must be
     * {@link #topics()}) and {@code models}, writing every score to {@code options.out()}.
     *
     * @throws DataSetException naming file, row and column when the data cannot be read
     */
    public static Summary run(TopologyConfig config, ModelRegistry models, Options options) {
        // a seasonal model's residual features are made by the stream, not read from the data
        List<String> features = models.metadata().series().map(s -> s.rawFeatureNames(models.metadata().features()))
                .orElse(models.metadata().features());
        List<String> keyCols = new ArrayList<>();
        options.entityColumn().ifPresent(keyCols::add);
        options.timeColumn().ifPresent(keyCols::add);
        DataSet data = DataSetReader.read(options.data(), DataSetReader.Options.defaults().withFeatures(features)
                .withExcludeColumns(java.util.Set.copyOf(keyCols)));
        List<String[]> keys = keyCols.isEmpty() ? null : KeyColumns.read(options.data(), keyCols);
        if (keys != null && keys.size() != data.size()) {
            throw new DataSetException(options.data() + ": " + data.size() + " feature rows but " + keys.size() + " records");
        }
        RecordJson json = new RecordJson(features);
        try (Replay replay = new Replay(config, models, options.out(), options.format(), Optional.empty())) {
            int timeCol = options.entityColumn().isPresent() ? 1 : 0;
            for (int i = 0; i < data.size(); i++) {
                byte[] key = options.entityColumn().isEmpty() ? new byte[0]
                        : keys.get(i)[0] == null ? null : keys.get(i)[0].getBytes(StandardCharsets.UTF_8);
                long time = 1000L * i;
                if (options.timeColumn().isPresent()) {
                    String t = keys.get(i)[timeCol];
                    try {
                        time = SeriesTime.parseMillis(t);
                    } catch (IllegalArgumentException e) {
                        throw new DataSetException(options.data() + ": record " + (i + 1) + ", column '"
                                + options.timeColumn().get() + "': " + e.getMessage());
                    }
                }
                replay.send(key, json.toJson(data.rows()[i]).getBytes(StandardCharsets.UTF_8), null, time, -1, -1);
            }
            return replay.finish(data.size());
        }
    }

    /**
     * Replays the committed records of {@code options.range()} through {@link ScoringTopology} serving {@code model}
     * (which it closes) with {@code series} settings, as {@link #run(ServableModel, SeriesSettings, int, int, Options)}
     * replays a file.
     */
    public static Summary run(ServableModel model, SeriesSettings series, int topFeatures, int batchMaxRecords,
                              TopicOptions options) {
        return run(model, series, dev.kade.incident.IncidentSettings.DEFAULT, topFeatures, batchMaxRecords, options);
    }

    /** As {@link #run(ServableModel, SeriesSettings, int, int, TopicOptions)}, with alert settings (incident mode). */
    public static Summary run(ServableModel model, SeriesSettings series, dev.kade.incident.IncidentSettings incidents,
                              int topFeatures, int batchMaxRecords, TopicOptions options) {
        TopologyConfig config = new TopologyConfig(topics(), topFeatures, Clock.systemUTC(),
                new Batching(batchMaxRecords, Batching.DEFAULT.maxWait()), OutputLimits.DEFAULT, false, series)
                .withIncidents(readable(incidents));
        try (ModelRegistry models = ModelRegistry.of(model)) {
            return run(config, models, options);
        }
    }

    /**
     * Replays the committed records of {@code options.range()}, merged across partitions by timestamp
     * ({@link TopicSource}), through {@link ScoringTopology} built from {@code config} (whose topics must be
     * {@link #topics()}) and {@code models}: each record goes in as {@code run} would read it (key, value, headers and
     * timestamp as they are), so the entity and time settings ({@code entity.fields}, {@code entity.time.field}) apply
     * as in the stream. Every score is written with the record's partition and offset.
     *
     * @throws TopicSourceException naming the topic or partition when the range cannot be read
     */
    public static Summary run(TopologyConfig config, ModelRegistry models, TopicOptions options) {
        long n = 0;
        try (TopicSource source = new TopicSource(options.client(), options.range());
             Replay replay = new Replay(config, models, options.out(), options.format(), Optional.of(options.range().topic()))) {
            for (ConsumerRecord<byte[], byte[]> r = source.next(); r != null; r = source.next()) {
                replay.send(r.key(), r.value(), r.headers(), r.timestamp(), r.partition(), r.offset());
                n++;
            }
            return replay.finish(n);
        }
    }

    /**
     * What to replay from Kafka.
     *
     * @param client properties of the consumer that reads the range: bootstrap servers and any security settings
     * @param range  which records
     * @param out    where every score goes
     * @param format CSV or JSON Lines
     */
    public record TopicOptions(Map<String, Object> client, TopicRange range, Path out, Format format) {
        public TopicOptions {
            client = Map.copyOf(Objects.requireNonNull(client, "client"));
            Objects.requireNonNull(range, "range");
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(format, "format");
        }
    }

    /**
     * One replay: the topology in a {@link TopologyTestDriver}, the records piped in one by one, each output drained
     * to the writer as it appears. The same for a file and a topic; only where a record came from differs (a topic's
     * records are written with their partition and offset, found by the driver's offset, which counts records in).
     */
    private static final class Replay implements AutoCloseable {
        private final TopologyTestDriver driver;
        private final TestInputTopic<byte[], byte[]> in;
        private final TestOutputTopic<byte[], byte[]> scores;
        private final TestOutputTopic<byte[], byte[]> dead;
        /** In incident mode, a per-record model's distinct record keys (its incident entities); null otherwise. */
        private java.util.Set<String> keys;
        private boolean windowed;
        /** The alert topic, read in incident mode only (incident events); null otherwise. */
        private final TestOutputTopic<byte[], byte[]> alerts;
        private final BufferedWriter out;
        private final Path outPath;
        private final Format format;
        private final Optional<String> topic;
        /** Partition and offset of each record in, by driver offset, until its output is written. */
        private final Map<Long, long[]> origins = new HashMap<>();
        private final Tally tally = new Tally();
        private long sent;

        Replay(TopologyConfig config, ModelRegistry models, Path outPath, Format format, Optional<String> topic) {
            KadeMetrics metrics = new KadeMetrics("kade-backtest");
            metrics.bindTo(new SimpleMeterRegistry());
            Path state;
            try {
                state = Files.createTempDirectory("kade-backtest");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "kade-backtest");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "backtest:9092");
            props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
            this.outPath = outPath;
            this.format = format;
            this.topic = topic;
            try {
                this.out = Files.newBufferedWriter(outPath, StandardCharsets.UTF_8);
                if (format == Format.CSV) {
                    out.write("row,entity,time,score,likelihood,anomaly_score,warming_up,alert,dead_letter"
                            + (topic.isPresent() ? ",partition,offset\n" : "\n"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + outPath, e);
            }
            this.driver = new TopologyTestDriver(ScoringTopology.build(config, models, metrics), props);
            var ser = new ByteArraySerializer();
            var de = new ByteArrayDeserializer();
            in = driver.createInputTopic(INPUT, ser, ser);
            scores = driver.createOutputTopic(config.topics().scores().orElseThrow(), de, de);
            dead = driver.createOutputTopic(config.topics().deadLetter(), de, de);
            alerts = config.incidents().incidents() ? driver.createOutputTopic(config.topics().alerts(), de, de) : null;
            if (alerts != null) {
                tally.incidents = new HashMap<>();
                windowed = models.metadata().series().isPresent();
                keys = !windowed && config.incidents().perRecordEntity() == dev.kade.incident.IncidentEntity.KEY
                        ? new java.util.HashSet<>() : null;
            }
        }

        /** Pipes one record in and writes what came out. */
        void send(byte[] key, byte[] value, Headers headers, long time, int partition, long offset) {
            if (keys != null) {
                keys.add(key == null ? null : new String(key, StandardCharsets.UTF_8));
            }
            if (alerts != null) {
                // a per-record model's scores carry no event time: in incident mode the span is the records' own
                tally.recordFirst = Math.min(tally.recordFirst, time);
                tally.recordLast = Math.max(tally.recordLast, time);
            }
            if (topic.isPresent()) {
                origins.put(sent, new long[] {partition, offset});
            }
            sent++;
            in.pipeInput(new TestRecord<>(key, value, headers, Instant.ofEpochMilli(time)));
            drain();
        }

        /** Scores what a batch still holds and writes it; the summary of {@code records} records in. */
        Summary finish(long records) {
            // a batch still open is scored by the wall-clock flush; drain what it produced
            driver.advanceWallClockTime(java.time.Duration.ofMinutes(1));
            drain();
            long entities = windowed ? tally.entities.size() : keys != null ? keys.size() : 1;
            return tally.summary(records, entities);
        }

        private void drain() {
            try {
                while (alerts != null && !alerts.isEmpty()) {
                    JsonNode ev = JSON.readTree(alerts.readValue());
                    if ("opened".equals(ev.path("event").asText())) {
                        tally.incidents.merge(ev.path("entity").asText(""), 1L, Long::sum);
                    }
                }
                Backtest.drain(scores, dead, out, format, tally, this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + outPath, e);
            }
        }

        /** The CSV columns, or JSON source, naming where row {@code row} came from; empty for a file. */
        long[] origin(long row) {
            return topic.isPresent() ? origins.remove(row) : null;
        }

        @Override
        public void close() {
            try {
                driver.close();
            } finally {
                try {
                    out.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + outPath, e);
                }
            }
        }
    }

    private static void drain(TestOutputTopic<byte[], byte[]> scores, TestOutputTopic<byte[], byte[]> dead, BufferedWriter out,
                              Format format, Tally tally, Replay replay) throws IOException {
        // within one input row, its score record or its dead letter: at most one of the two
        while (!scores.isEmpty()) {
            JsonNode s = JSON.readTree(scores.readValue());
            tally.scored(s);
            long row = s.path("source").path("offset").asLong();
            if (format == Format.CSV) {
                out.write(row + "," + csv(s.path("entity").asText("")) + "," + s.path("event_time").asText("") + ","
                        + s.path("score").asText() + "," + (s.path("likelihood").isNull() ? "" : s.path("likelihood").asText()) + ","
                        + s.path("anomaly_score").asText("") + "," + s.path("warming_up").asBoolean(false) + ","
                        + s.path("anomaly").asBoolean() + "," + originColumns(replay.origin(row)) + "\n");
            } else {
                com.fasterxml.jackson.databind.node.ObjectNode o = JSON.createObjectNode();
                o.put("row", row);
                o.setAll((com.fasterxml.jackson.databind.node.ObjectNode) s);
                long[] origin = replay.origin(row);
                if (origin != null) {
                    // where the record lies in Kafka, not in the driver's topic
                    o.putObject("source").put("topic", replay.topic.get()).put("partition", origin[0]).put("offset", origin[1]);
                }
                out.write(o.toString());
                out.write('\n');
            }
        }
        while (!dead.isEmpty()) {
            TestRecord<byte[], byte[]> d = dead.readRecord();
            String reason = header(d, DeadLetterHeaders.REASON);
            String row = header(d, DeadLetterHeaders.SOURCE_OFFSET);
            tally.deadLettered(reason);
            long[] origin = row.isEmpty() ? null : replay.origin(Long.parseLong(row));
            if (format == Format.CSV) {
                out.write(row + ",,,,,,,," + reason + originColumns(origin) + "\n");
            } else if (origin == null) {
                out.write("{\"row\":" + row + ",\"dead_letter\":\"" + reason + "\"}\n");
            } else {
                out.write("{\"row\":" + row + ",\"dead_letter\":\"" + reason + "\",\"source\":{\"topic\":"
                        + JSON.writeValueAsString(replay.topic.get()) + ",\"partition\":" + origin[0] + ",\"offset\":" + origin[1] + "}}\n");
            }
        }
    }

    private static String originColumns(long[] origin) {
        return origin == null ? "" : "," + origin[0] + "," + origin[1];
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String csv(String s) {
        return s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 ? s : '"' + s.replace("\"", "\"\"") + '"';
    }

    /** Counts as the outputs go by. */
    private static final class Tally {
        long scored;
        long warmingUp;
        long alerts;
        final Map<String, Long> dead = new TreeMap<>();
        final Map<String, Long> perEntity = new HashMap<>();
        final java.util.Set<String> entities = new java.util.HashSet<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long recordFirst = Long.MAX_VALUE;
        long recordLast = Long.MIN_VALUE;
        /** Incidents opened per entity, in incident mode; null otherwise. */
        Map<String, Long> incidents;

        void scored(JsonNode s) {
            scored++;
            if (s.path("warming_up").asBoolean(false)) {
                warmingUp++;
            }
            String entity = s.path("entity").asText("");
            entities.add(entity);
            if (s.path("anomaly").asBoolean()) {
                alerts++;
                perEntity.merge(entity, 1L, Long::sum);
            }
            if (s.hasNonNull("event_time")) {
                long t = Instant.parse(s.get("event_time").asText()).toEpochMilli();
                first = Math.min(first, t);
                last = Math.max(last, t);
            }
        }

        void deadLettered(String reason) {
            dead.merge(reason, 1L, Long::sum);
        }

        Summary summary(long records, long incidentEntities) {
            if (first == Long.MAX_VALUE && recordFirst != Long.MAX_VALUE) {
                first = recordFirst;
                last = recordLast;
            }
            return new Summary(records, scored, warmingUp, alerts, Map.copyOf(dead), Map.copyOf(perEntity), entities.size(),
                    first == Long.MAX_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(first)),
                    last == Long.MIN_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(last)),
                    incidents == null ? Optional.empty() : Optional.of(new Incidents(
                            incidents.values().stream().mapToLong(Long::longValue).sum(), incidents, incidentEntities)));
        }
    }
}
