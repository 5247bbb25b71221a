package dev.kade.cli;

import dev.kade.features.DataSet;
import dev.kade.features.DataSetException;
import dev.kade.features.DataSetReader;
import dev.kade.features.ImputationPolicy;
import dev.kade.input.DecodeException;
import dev.kade.input.InputDecoding;
import dev.kade.input.InputFormats;
import dev.kade.input.RecordDecoder;
import dev.kade.input.RegistrySettings;
import dev.kade.lifecycle.TopicSampler;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The training-data options of {@code train} and {@code tune}, defined once (a picocli mixin): which file, which
 * columns are features, and what to do with a missing value. Both commands read the file the same way, so they
 * extract the same features the stream will.
 */
final class TrainingDataOptions {

    @Option(names = "--data", paramLabel = "FILE", description = "Training data: .csv (header), .jsonl or an .avro container file; normal rows only. Or --from-topic.")
    Path data;

    @Option(names = "--from-topic", paramLabel = "TOPIC", description = "Training data from a Kafka topic (JSON, or as --input-format says) instead "
            + "of --data: read read_committed up to its end at the start (or --until), sampled to at most --sample records.")
    String fromTopic;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "With --from-topic: the Kafka cluster.")
    String bootstrapServers;

    @Option(names = "--consumer-property", paramLabel = "KEY=VALUE", description = "With --from-topic: a Kafka consumer "
            + "property (security settings, e.g. security.protocol=SSL); repeatable.")
    Map<String, String> consumerProperties = new LinkedHashMap<>();

    @Option(names = "--since", paramLabel = "TIME|DURATION", description = "With --from-topic: records from this ISO-8601 "
            + "instant, or this long before now (e.g. PT24H, P7D). Default: the topic's start.")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "With --from-topic: records before this ISO-8601 instant. "
            + "Default: the end offsets when reading starts.")
    String until;

    @Option(names = "--last", paramLabel = "N", description = "With --from-topic: the last N records of each partition.")
    Long last;

    @Option(names = "--sample", paramLabel = "N", defaultValue = "100000", description = "With --from-topic: at most this many "
            + "records are kept (a uniform reservoir sample of the range, seeded by --seed); memory is bounded by it, never by "
            + "the topic (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = "--input-format", paramLabel = "FORMAT", defaultValue = "json", description = "With --from-topic: how "
            + "the topic's values are written, as the setting input.format: json, avro, protobuf (schemas from "
            + "--schema-registry-url) or json_schema; decoded by the stream's own decoders (default: ${DEFAULT-VALUE}).")
    String inputFormat;

    @Option(names = "--schema-registry-url", paramLabel = "URL", description = "With --input-format avro or protobuf: the "
            + "registry's Confluent-compatible API, as schema.registry.url.")
    String registryUrl;

    @Option(names = "--schema-registry-user-info", paramLabel = "USER:PASSWORD", description = "With --schema-registry-url: "
            + "basic authentication, as schema.registry.basic.auth.user.info.")
    String registryUserInfo;

    @Option(names = "--exclude-alerts-topic", paramLabel = "TOPIC", description = "With --from-topic: leave out the records "
            + "kade alerted on, as the alerts on this topic name them (source topic, partition and offset).")
    String excludeAlertsTopic;

    @Option(names = "--features", split = ",", paramLabel = "NAME", description = "Feature columns in order; dotted names are nested JSON paths. Default: every numeric column except those named like a label, id or time (listed as notes).")
    List<String> features = List.of();

    @Option(names = "--exclude-columns", split = ",", paramLabel = "NAME", description = "Columns never used as features (ids, timestamps, labels).")
    List<String> exclude = List.of();

    @Option(names = "--imputation", defaultValue = "fail", paramLabel = "fail|mean|drop-row", converter = ImputationConverter.class,
            description = "What to do with a missing or non-numeric value (default: ${DEFAULT-VALUE}: stop, naming file, line and column).")
    ImputationPolicy imputation;

    /** The training file or topic sample, read with these options (the topic seeded by {@code seed}). */
    DataSet read(long seed) throws DataSetException {
        checkSource();
        return fromTopic == null ? read(Set.of()) : fromTopic(seed);
    }

    /** The training file or topic sample (a topic sampled with seed 1). */
    DataSet read() throws DataSetException {
        return read(1L);
    }

    /** Exactly one of --data and --from-topic; the topic options only with a topic. */
    void checkSource() {
        if ((data == null) == (fromTopic == null)) {
            throw new IllegalArgumentException("give either --data FILE or --from-topic TOPIC");
        }
        if (fromTopic != null && (bootstrapServers == null || bootstrapServers.isBlank())) {
            throw new IllegalArgumentException("--from-topic needs --bootstrap-servers");
        }
        if (fromTopic == null && (since != null || until != null || last != null || excludeAlertsTopic != null
                || !"json".equals(inputFormat) || registryUrl != null)) {
            throw new IllegalArgumentException("--since, --until, --last, --exclude-alerts-topic, --input-format and "
                    + "--schema-registry-url go with --from-topic");
        }
        if (!InputFormats.NAMES.contains(inputFormat)) {
            throw new IllegalArgumentException("--input-format: expected one of " + InputFormats.NAMES + ", got '" + inputFormat + "'");
        }
        if (InputFormats.needsRegistry(inputFormat) && (registryUrl == null || registryUrl.isBlank())) {
            throw new IllegalArgumentException("--input-format " + inputFormat + " needs --schema-registry-url");
        }
        if (registryUserInfo != null && !registryUserInfo.contains(":")) {
            throw new IllegalArgumentException("--schema-registry-user-info must be user:password");
        }
    }

    /** Where the data came from, for reports. */
    String source() {
        return fromTopic != null ? "topic " + fromTopic : data.toString();
    }

    private DataSet fromTopic(long seed) throws DataSetException {
        java.util.Properties p = new java.util.Properties();
        p.putAll(consumerProperties);
        p.put("bootstrap.servers", bootstrapServers);
        TopicSampler.Range range;
        try {
            range = new TopicSampler.Range(fromTopic, java.util.Optional.ofNullable(since).map(TrainingDataOptions::instant),
                    java.util.Optional.ofNullable(until).map(java.time.Instant::parse), java.util.Optional.ofNullable(last),
                    sample, seed);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("--since/--until: " + e.getMessage());
        }
        Set<TopicSampler.Position> alerted = excludeAlertsTopic == null ? Set.of()
                : TopicSampler.alerted(p, excludeAlertsTopic, fromTopic);
        TopicSampler.Sample s = TopicSampler.sample(p, range, alerted);
        java.io.ByteArrayOutputStream lines = new java.io.ByteArrayOutputStream();
        Map<String, Integer> undecodable = new java.util.TreeMap<>();
        String firstFailure = decode(s.values(), lines, undecodable);
        int failed = undecodable.values().stream().mapToInt(Integer::intValue).sum();
        if (failed > 0 && failed == s.values().size()) {
            throw new IllegalArgumentException("none of the " + failed + " sampled records of " + fromTopic + " decodes as "
                    + "--input-format " + inputFormat + " " + undecodable + "; the first: " + firstFailure);
        }
        String name = "topic " + fromTopic + " (" + s.read() + " records read, " + s.values().size() + " sampled, "
                + s.excluded() + " alerted left out, " + s.empty() + " without value"
                + (failed == 0 ? "" : ", " + failed + " not decodable " + undecodable) + ")";
        DataSet set = DataSetReader.read(new java.io.ByteArrayInputStream(lines.toByteArray()), name,
                DataSetReader.Format.JSON_LINES, DataSetReader.Options.defaults().withFeatures(features)
                        .withExcludeColumns(Set.copyOf(exclude)).withImputation(imputation));
        java.util.List<String> notes = new java.util.ArrayList<>(set.notes());
        notes.add(0, name);
        return new DataSet(set.features(), set.rows(), set.labelsIfAny().orElse(null), set.source(), notes);
    }

    /**
     * Writes each sampled value as one JSON line, decoded as {@code --input-format} says by the stream's decoders;
     * counts those that do not decode by their dead-letter reason (they are left out, as the stream would
     * dead-letter them) and returns the first one's detail, or null.
     */
    private String decode(List<byte[]> values, java.io.ByteArrayOutputStream lines, Map<String, Integer> undecodable) {
        RegistrySettings registry = registryUrl == null ? null
                : RegistrySettings.of(java.net.URI.create(registryUrl.trim())).withUserInfo(registryUserInfo);
        String first = null;
        try (InputDecoding decoding = InputFormats.decoding(inputFormat, registry)) {
            RecordDecoder decoder = decoding.newDecoder();
            for (byte[] v : values) {
                try {
                    lines.writeBytes(decoder == null ? v : decoder.toJson(v));
                    lines.write('\n');
                } catch (DecodeException e) {
                    undecodable.merge(e.error().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
                    first = first == null ? e.getMessage() : first;
                }
            }
        }
        return first;
    }

    /** An ISO-8601 instant, or a duration back from now. */
    private static java.time.Instant instant(String text) {
        return text.startsWith("P") || text.startsWith("p")
                ? java.time.Instant.now().minus(java.time.Duration.parse(text)) : java.time.Instant.parse(text);
    }

    /**
     * The training file, read with these options and {@code keyColumns} (entity, time) never taken as features.
     *
     * @throws IllegalArgumentException when {@code --features} names one of the key columns
     */
    DataSet read(Set<String> keyColumns) throws DataSetException {
        checkSource();
        if (fromTopic != null) {
            throw new IllegalArgumentException("--from-topic samples records, which breaks series apart: a windowed model "
                    + "(--window) trains from a file in time order");
        }
        for (String k : keyColumns) {
            if (features.contains(k)) {
                throw new IllegalArgumentException("--features names '" + k + "', which is the entity or time column");
            }
        }
        Set<String> excluded = new java.util.HashSet<>(exclude);
        excluded.addAll(keyColumns);
        return DataSetReader.read(data, DataSetReader.Options.defaults()
                .withFeatures(features).withExcludeColumns(Set.copyOf(excluded)).withImputation(imputation));
    }

    /** fail|mean|drop-row. */
    static final class ImputationConverter implements CommandLine.ITypeConverter<ImputationPolicy> {
        @Override
        public ImputationPolicy convert(String value) {
            try {
                return ImputationPolicy.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("expected fail, mean or drop-row, got '" + value + "'");
            }
        }
    }
}
