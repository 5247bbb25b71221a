package dev.kade.cli;

import dev.kade.app.StreamsSetup;
import dev.kade.backtest.Backtest;
import dev.kade.config.ConfigException;
import dev.kade.config.KadeConfig;
import dev.kade.features.DataSetException;
import dev.kade.model.InvalidModelException;
import dev.kade.onnx.OnnxModel;
import dev.kade.topic.TopicRange;
import dev.kade.topic.TopicSourceException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kade backtest}: what {@code kade run} would have scored and alerted on recorded data, before deploying.
 * The data goes through the stream's own topology ({@link Backtest}): the same processor, entity state, policies
 * and likelihood, with settings given as for {@code run} ({@code -s series.late=dead_letter}).
 */
@Command(name = "backtest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replay recorded data through the scoring topology that run uses and write every score, then print "
                + "what would have alerted and how often.",
            "From a file (--data): long-format data, one row per entity and time step; the entity becomes the record key and "
                    + "the time the record timestamp, as a producer keyed by entity would send them.",
            "From a topic (--topic, --bootstrap-servers): its committed records (read_committed) as they are, over an offset "
                    + "range (--from-offset/--to-offset) or a time range (--from-time/--to-time) of each partition, up to the "
                    + "end offsets at start, merged across partitions by timestamp; the entity and time are read as run reads "
                    + "them (the record key and timestamp, or -s entity.fields=... -s entity.time.field=...). Nothing is "
                    + "committed and no consumer group is joined."})
public final class BacktestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL.onnx", description = "Model to replay the data through.")
    Path model;

    @Option(names = "--data", paramLabel = "FILE", description = "Recorded data: .csv (header) or .jsonl. Or --topic.")
    Path data;

    @Option(names = "--topic", paramLabel = "NAME", description = "Replay this Kafka topic's records instead of a file.")
    String topic;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...", description = "The cluster of --topic (security "
            + "settings as for run: -s kafka.security.protocol=...).")
    String bootstrapServers;

    @Option(names = "--partition", split = ",", paramLabel = "N", description = "With --topic: only these partitions "
            + "(default: all).")
    List<Integer> partitions = new ArrayList<>();

    @Option(names = "--from-offset", paramLabel = "OFFSET", description = "With --topic: the first offset read in each "
            + "partition, inclusive (default: the beginning).")
    Long fromOffset;

    @Option(names = "--to-offset", paramLabel = "OFFSET", description = "With --topic: the offset each partition stops "
            + "before, exclusive (default: its end when the backtest starts).")
    Long toOffset;

    @Option(names = "--from-time", paramLabel = "ISO-8601", description = "With --topic: start each partition at its first "
            + "record whose timestamp is at or after this, e.g. 2026-12-01T00:00:00Z.")
    String fromTime;

    @Option(names = "--to-time", paramLabel = "ISO-8601", description = "With --topic: stop each partition before its first "
            + "record whose timestamp is at or after this (exclusive).")
    String toTime;

    @Option(names = "--entity-column", paramLabel = "NAME", description = "With --data: column naming each row's entity "
            + "(default: one entity).")
    String entityColumn;

    @Option(names = "--time-column", paramLabel = "NAME", description = "With --data: column holding each row's time, "
            + "ISO-8601 or epoch seconds/millis (default: file order, one second apart).")
    String timeColumn;

    @Option(names = "--out", paramLabel = "FILE", description = "Where every score goes (default: DATA.scores.csv or "
            + ".jsonl; with --topic, TOPIC.scores.csv or .jsonl in the working directory).")
    Path out;

    @Option(names = "--format", defaultValue = "csv", paramLabel = "csv|jsonl", description = "Output format (default: ${DEFAULT-VALUE}).")
    Backtest.Format format;

    @Option(names = "--budget-per-entity-per-day", paramLabel = "N", description = "Predict the incidents an alert budget "
            + "of N per entity per day would have opened (alerts.mode=incident, alerts.budget.per.entity.per.day=N; "
            + "the entity is the record key unless -s alerts.incident.entity=partition).")
    Double budgetPerEntityPerDay;

    @Option(names = "--budget-per-day", paramLabel = "N", description = "Predict the incidents an overall alert budget of "
            + "N per day would have opened (alerts.budget.per.day=N; the replay is one task, so all of N applies to it).")
    Double budgetPerDay;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "A run setting, e.g. -s series.late=dead_letter "
            + "-s series.idle.expiry.ms=0.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<String> wrong = checkSource();
        if (wrong.isPresent()) {
            err.println("kade backtest: " + wrong.get());
            return 2;
        }
        KadeConfig config;
        try {
            Map<String, String> m = new LinkedHashMap<>(Map.of("bootstrap.servers", "backtest:9092", "input.topics",
                    Backtest.INPUT, "model.path", model.toString()));
            if (budgetPerEntityPerDay != null || budgetPerDay != null) {
                m.put("alerts.mode", "incident");
                m.put("alerts.incident.entity", "key");
                m.put("alerts.budget.partitions", "1");
                if (budgetPerEntityPerDay != null) {
                    m.put("alerts.budget.per.entity.per.day", budgetPerEntityPerDay.toString());
                }
                if (budgetPerDay != null) {
                    m.put("alerts.budget.per.day", budgetPerDay.toString());
                }
            }
            m.putAll(settings);
            if (bootstrapServers != null) {
                m.put("bootstrap.servers", bootstrapServers);
            }
            config = KadeConfig.fromMap(m);
        } catch (ConfigException e) {
            err.println("kade backtest: invalid setting " + e.getMessage());
            return 2;
        }
        String suffix = format == Backtest.Format.CSV ? ".scores.csv" : ".scores.jsonl";
        Path target = out != null ? out : topic != null ? Path.of(topic + suffix) : Path.of(data + suffix);
        Backtest.Summary summary;
        try {
            if (topic != null) {
                TopicRange range;
                try {
                    range = new TopicRange(topic, partitions, optional(fromOffset), optional(toOffset),
                            instant("--from-time", fromTime), instant("--to-time", toTime));
                } catch (IllegalArgumentException e) {
                    err.println("kade backtest: " + e.getMessage());
                    return 2;
                }
                Map<String, Object> client = new LinkedHashMap<>(config.kafka());
                client.put("bootstrap.servers", config.bootstrapServers());
                summary = Backtest.run(OnnxModel.load(model), StreamsSetup.series(config), StreamsSetup.incidents(config),
                        config.alertTopFeatures(), config.batchMaxRecords(), new Backtest.TopicOptions(client, range, target, format));
            } else {
                summary = Backtest.run(OnnxModel.load(model), StreamsSetup.series(config), StreamsSetup.incidents(config),
                        config.alertTopFeatures(), config.batchMaxRecords(), new Backtest.Options(data, Optional.ofNullable(entityColumn),
                                Optional.ofNullable(timeColumn), target, format));
            }
        } catch (TopicSourceException e) {
            err.println("kade backtest: --topic " + topic + " at --bootstrap-servers " + config.bootstrapServers() + ": "
                    + e.getMessage());
            return 1;
        } catch (DataSetException | InvalidModelException e) {
            err.println("kade backtest: " + e.getMessage());
            return 1;
        }
        stdout.print(summary.describe());
        if (budgetPerEntityPerDay != null) {
            stdout.println(String.format(java.util.Locale.ROOT, "budget %s incidents per entity per day: predicted %s",
                    budgetPerEntityPerDay, summary.incidentsPerEntityPerDay()
                            .map(d -> String.format(java.util.Locale.ROOT, "%.2f incidents per entity per day", d))
                            .orElse("no rate (the data spans no time)")));
        }
        if (budgetPerDay != null) {
            stdout.println(String.format(java.util.Locale.ROOT, "budget %s incidents per day: predicted %s", budgetPerDay,
                    summary.incidents().flatMap(i -> summary.days().map(d -> String.format(java.util.Locale.ROOT,
                            "%.2f incidents per day", i.opened() / d))).orElse("no rate (the data spans no time)")));
        }
        stdout.println("scores written to " + target);
        stdout.flush();
        return 0;
    }

    /** Which of --data and --topic, and only the options that go with it; the message names the options. */
    private Optional<String> checkSource() {
        if ((data == null) == (topic == null)) {
            return Optional.of("give either --data FILE or --topic NAME (with --bootstrap-servers)");
        }
        if (data != null) {
            List<String> topicOnly = new ArrayList<>();
            addIf(topicOnly, bootstrapServers != null, "--bootstrap-servers");
            addIf(topicOnly, !partitions.isEmpty(), "--partition");
            addIf(topicOnly, fromOffset != null, "--from-offset");
            addIf(topicOnly, toOffset != null, "--to-offset");
            addIf(topicOnly, fromTime != null, "--from-time");
            addIf(topicOnly, toTime != null, "--to-time");
            return topicOnly.isEmpty() ? Optional.empty()
                    : Optional.of(String.join(", ", topicOnly) + ": only with --topic (a file's range is the whole file)");
        }
        if (entityColumn != null || timeColumn != null) {
            return Optional.of((entityColumn != null ? "--entity-column" : "--time-column") + ": only with --data; a topic's "
                    + "records name their entity and time as run reads them (the key and timestamp, or -s entity.fields=... "
                    + "-s entity.time.field=...)");
        }
        if (bootstrapServers == null && !settings.containsKey("bootstrap.servers")) {
            return Optional.of("--bootstrap-servers: required with --topic");
        }
        if ((fromOffset != null || toOffset != null) && (fromTime != null || toTime != null)) {
            return Optional.of((fromOffset != null ? "--from-offset" : "--to-offset") + " and "
                    + (fromTime != null ? "--from-time" : "--to-time") + ": bound the range by offsets or by times, not both");
        }
        if (fromOffset != null && fromOffset < 0 || toOffset != null && toOffset < 0) {
            return Optional.of((fromOffset != null && fromOffset < 0 ? "--from-offset " + fromOffset : "--to-offset " + toOffset)
                    + ": an offset is never negative");
        }
        if (fromOffset != null && toOffset != null && toOffset < fromOffset) {
            return Optional.of("--to-offset " + toOffset + " is before --from-offset " + fromOffset);
        }
        for (int p : partitions) {
            if (p < 0) {
                return Optional.of("--partition " + p + ": a partition is never negative");
            }
        }
        return Optional.empty();
    }

    private static void addIf(List<String> names, boolean present, String name) {
        if (present) {
            names.add(name);
        }
    }

    private static OptionalLong optional(Long v) {
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** An ISO-8601 instant ({@code 2026-12-01T00:00:00Z}, or with an offset); the message names the option. */
    private static Optional<Instant> instant(String option, String text) {
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " '" + text + "': not an ISO-8601 time with a zone or offset, "
                    + "e.g. 2026-12-01T00:00:00Z or 2026-12-01T01:00:00+01:00");
        }
    }
}
