package dev.kade.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every setting of {@code kade run}, parsed once and validated at construction, so that a bad setting
 * stops the program at start naming the key (and the value).
 *
 * <p>Each setting is defined once, in {@link #DEFINITION}, in the style of Kafka's own {@code StreamsConfig}:
 * a key constant, then one {@link ConfigDef} entry with type, default, validator and documentation. Parsing,
 * the environment mapping, redaction and the README's settings table ({@link ConfigDocumentation}) all read
 * that one definition.
 *
 * <p>Sources, later ones winning: a properties file, environment variables ({@code KADE_} + the key in
 * upper case with dots as underscores: {@code KADE_BOOTSTRAP_SERVERS}, {@code KADE_KAFKA_SASL_JAAS_CONFIG}),
 * then explicit overrides (command-line options). Keys under {@code kafka.} are passed to Kafka Streams
 * and its clients with the prefix stripped, so TLS and SASL are written as Kafka users write them; they are
 * checked against the names Kafka defines ({@link KafkaKeys}). Any other key kade does not know fails
 * (typo protection). Kubernetes service-link variables that happen to start with {@code KADE_} are ignored
 * ({@link ServiceLinks}).
 *
 * <p>Immutable and thread-safe.
 */
public final class KadeConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String APPLICATION_ID = "application.id";
    public static final String INPUT_TOPICS = "input.topics";
    public static final String ALERT_TOPIC = "alert.topic";
    public static final String SCORES_TOPIC = "scores.topic";
    public static final String SCORES_INCLUDE_LATENT = "scores.include.latent";
    public static final String DEAD_LETTER_TOPIC = "dead.letter.topic";
    public static final String TOPICS_CREATE = "topics.create";
    public static final String TOPICS_WAIT_MS = "topics.wait.ms";
    /** {@value #TOPICS_WAIT_MS} value meaning: wait as long as it takes. */
    public static final long WAIT_FOREVER = -1;
    public static final String MODEL_PATH = "model.path";
    public static final String MODEL_POLL_INTERVAL_MS = "model.poll.interval.ms";
    public static final String MODEL_MAX_BYTES = "model.max.bytes";
    public static final String MODEL_REQUIRE_FINGERPRINT = "model.require.fingerprint";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String BATCH_MAX_RECORDS = "batch.max.records";
    public static final String BATCH_MAX_WAIT_MS = "batch.max.wait.ms";
    public static final String ALERT_TOP_FEATURES = "alert.top.features";
    public static final String OUTPUT_MAX_BYTES = "output.max.bytes";
    public static final String METRICS_PORT = "metrics.port";
    public static final String METRICS_BIND_ADDRESS = "metrics.bind.address";
    public static final String SHUTDOWN_TIMEOUT_MS = "shutdown.timeout.ms";
    public static final String HEALTH_PROGRESS_TIMEOUT_MS = "health.progress.timeout.ms";
    /**
     * Commit interval under at_least_once unless {@code kafka.commit.interval.ms} is set. Kafka Streams'
     * own default (30 s) means a crash re-sends up to 30 s of outputs (79,193 duplicates after 3 kills were
     * measured); committing every second bounds a crash's duplicates to about one second of input (plus
     * the records in flight), at the cost of one offset commit per second per stream thread.
     */
    public static final long DEFAULT_AT_LEAST_ONCE_COMMIT_INTERVAL_MS = 1_000;
    /** Kafka Streams' commit interval under exactly-once (public so benchmarks print what kade uses). */
    public static final long EXACTLY_ONCE_COMMIT_INTERVAL_MS = 100;
    public static final String UNCHECKED_KAFKA_KEYS = "unchecked.kafka.keys";
    /** 256 MiB: far above any kade model, far below a heap-filling file. */
    public static final long DEFAULT_MODEL_MAX_BYTES = 256L * 1024 * 1024;
    /** The largest model kade can read at all (one Java array). */
    public static final long MAX_MODEL_MAX_BYTES = Integer.MAX_VALUE - 8;
    /** Prefix of pass-through Kafka properties. */
    public static final String KAFKA_PREFIX = "kafka.";
    /** Prefix of environment variables read as settings. */
    public static final String ENV_PREFIX = "KADE_";
    /** The smallest {@value #OUTPUT_MAX_BYTES} (the output package's {@code OutputLimits.MIN_BYTES}). */
    public static final int MIN_OUTPUT_MAX_BYTES = 4096;

    /** The one definition of every kade-level setting, in documentation order. */
    public static final ConfigDef DEFINITION = ConfigDefinition.build();

    /** Every kade-level key, in documentation order. */
    public static final List<String> KEYS = List.copyOf(DEFINITION.configKeys().keySet());


    private final Map<String, Object> values;
    private final Map<String, String> kafka;
    private final Set<String> uncheckedKafka;
    private final ProcessingGuarantee guarantee;

    private KadeConfig(Map<String, Object> values, Map<String, String> kafka) {
        this.values = values;
        this.kafka = Map.copyOf(kafka);
        this.guarantee = Validators.parse(ProcessingGuarantee.class, (String) values.get(PROCESSING_GUARANTEE));
        this.uncheckedKafka = Set.copyOf(list(UNCHECKED_KAFKA_KEYS).stream()
                .map(k -> k.startsWith(KAFKA_PREFIX) ? k.substring(KAFKA_PREFIX.length()) : k).toList());
        for (String in : inputTopics()) {
            // reading our own output would score alerts as input, forever
            notAlsoInput(ALERT_TOPIC, alertTopic(), in);
            notAlsoInput(DEAD_LETTER_TOPIC, deadLetterTopic(), in);
            scoresTopic().ifPresent(s -> notAlsoInput(SCORES_TOPIC, s, in));
        }
        AlertKeys.check(values, inputTopics(), alertTopic(), deadLetterTopic());
        LifecycleKeys.check(values, inputTopics(), java.util.stream.Stream.concat(java.util.stream.Stream.of(alertTopic(), deadLetterTopic()),
                scoresTopic().stream()).toList());
        if (scoresIncludeLatent() && scoresTopic().isEmpty()) {
            throw new ConfigException(SCORES_INCLUDE_LATENT, "is true but " + SCORES_TOPIC
                    + " is unset: the latent code goes on the scores topic");
        }
        InputKeys.check(values);
        for (String k : this.kafka.keySet()) {
            KafkaPassThrough.check(k, this.kafka.get(k), uncheckedKafka);
        }
        long commitMs = commitIntervalMs();
        if (progressTimeout().toMillis() <= commitMs) {
            throw new ConfigException(HEALTH_PROGRESS_TIMEOUT_MS, "invalid value '" + progressTimeout().toMillis()
                    + "', must be longer than the commit interval (" + commitMs + " ms): progress is seen in commits");
        }
    }


    /** Parses settings from a flat map of kade keys (file, env and flags already merged), for scoring. */
    public static KadeConfig fromMap(Map<String, String> settings) {
        return fromMap(settings, Purpose.SCORING);
    }

    /**
     * What to say about an unknown kade key: the closest known key when one is near (the hint {@code kafka.*}
     * keys get), else every known key.
     */
    static String unknownKeyHint(String key) {
        return KafkaKeys.closest(key, KEYS).map(c -> "did you mean '" + c + "'?")
                .orElseGet(() -> "known settings are " + KEYS + " and kafka.<any Kafka client or Streams property>");
    }

    /** Parses settings for {@code purpose} from a flat map of kade keys (file, env and flags already merged). */
    public static KadeConfig fromMap(Map<String, String> settings, Purpose purpose) {
        Objects.requireNonNull(purpose, "purpose");
        Map<String, String> kafka = new TreeMap<>();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String key = e.getKey().trim();
            if (key.startsWith(KAFKA_PREFIX)) {
                String kafkaKey = key.substring(KAFKA_PREFIX.length());
                if (kafkaKey.isEmpty()) {
                    throw new ConfigException(key, "names no Kafka property after the prefix");
                }
                kafka.put(kafkaKey, e.getValue());
            } else if (!KEYS.contains(key)) {
                throw new ConfigException(key, "unknown setting; " + unknownKeyHint(key));
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (ConfigDef.ConfigKey key : DEFINITION.configKeys().values()) {
            String raw = settings.get(key.name);
            boolean absent = raw == null || raw.isBlank();
            values.put(key.name, absent && purpose.optional().contains(key.name) ? null : ConfigValues.parse(key, raw));
        }
        KadeConfig config = new KadeConfig(values, kafka);
        KafkaPassThrough.validate(config);
        return config;
    }

    /**
     * Reads settings from an optional properties file, then the environment, then overrides, and validates.
     *
     * @param file      properties file, or empty to use only environment and overrides
     * @param env       the environment (usually {@code System.getenv()}); only {@code KADE_*} variables are read
     * @param overrides settings that win over both (command-line options)
     */
    public static KadeConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        return load(file, env, overrides, Purpose.SCORING);
    }

    /** As {@link #load(Optional, Map, Map)}, for {@code purpose}. */
    public static KadeConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides,
                                  Purpose purpose) {
        Map<String, String> merged = new LinkedHashMap<>();
        file.ifPresent(f -> merged.putAll(ConfigSources.readProperties(f)));
        merged.putAll(fromEnvironment(env));
        merged.putAll(overrides);
        return fromMap(merged, purpose);
    }

    /**
     * The settings named by {@code KADE_*} environment variables: {@code KADE_A_B_C} is key {@code a.b.c}.
     * Kubernetes service-link variables ({@link ServiceLinks}) and the logging variables are skipped.
     */
    public static Map<String, String> fromEnvironment(Map<String, String> env) {
        return ConfigSources.fromEnvironment(env);
    }

    /** The name of the environment variable that sets a key: {@code metrics.port} is {@code KADE_METRICS_PORT}. */
    public static String environmentVariable(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Kafka bootstrap servers. */
    public String bootstrapServers() {
        return (String) values.get(BOOTSTRAP_SERVERS);
    }

    /** Kafka Streams application id (consumer group, internal topic prefix). */
    public String applicationId() {
        return (String) values.get(APPLICATION_ID);
    }

    /** Topics of JSON records to score. */
    public List<String> inputTopics() {
        return list(INPUT_TOPICS);
    }

    /** Where anomalies go, one JSON alert each. */
    public String alertTopic() {
        return (String) values.get(ALERT_TOPIC);
    }

    /** Optional: every scored record with its score. */
    public Optional<String> scoresTopic() {
        return Optional.ofNullable((String) values.get(SCORES_TOPIC));
    }

    /** {@value #SCORES_INCLUDE_LATENT}: whether scores records carry the model's latent code. */
    public boolean scoresIncludeLatent() {
        return (Boolean) values.get(SCORES_INCLUDE_LATENT);
    }

    /** Where unreadable records go, original bytes plus reason headers. */
    public String deadLetterTopic() {
        return (String) values.get(DEAD_LETTER_TOPIC);
    }

    /** Whether {@code run} creates missing output topics at start. */
    public boolean topicsCreate() {
        return (Boolean) values.get(TOPICS_CREATE);
    }

    /** How long {@code run} waits for missing topics; empty: no limit. */
    public Optional<Duration> topicsWait() {
        long ms = (Long) values.get(TOPICS_WAIT_MS);
        return ms == WAIT_FOREVER ? Optional.empty() : Optional.of(Duration.ofMillis(ms));
    }

    /**
     * The ONNX model file (watched for changes).
     *
     * @throws IllegalStateException when these settings were read for a {@link Purpose} that needs no model
     *                               and none was given
     */
    public Path modelPath() {
        String path = (String) values.get(MODEL_PATH);
        if (path == null) {
            throw new IllegalStateException(MODEL_PATH + " is not set: these settings were read for a command that needs no model");
        }
        return Path.of(path);
    }

    /** How often the model file is checked for changes. */
    public Duration modelPollInterval() {
        return Duration.ofMillis((Long) values.get(MODEL_POLL_INTERVAL_MS));
    }

    /** Model files larger than this many bytes are refused before they are read. */
    public long modelMaxBytes() {
        return (Long) values.get(MODEL_MAX_BYTES);
    }

    /** When present, only models trained on data with this fingerprint are served. */
    public Optional<String> modelRequiredFingerprint() {
        return Optional.ofNullable((String) values.get(MODEL_REQUIRE_FINGERPRINT));
    }

    /** Exactly-once v2 (default) or at-least-once. */
    public ProcessingGuarantee processingGuarantee() {
        return guarantee;
    }

    /** Most records scored in one ONNX Runtime call. */
    public int batchMaxRecords() {
        return (Integer) values.get(BATCH_MAX_RECORDS);
    }

    /** Longest a record waits for its batch to fill. */
    public Duration batchMaxWait() {
        return Duration.ofMillis((Long) values.get(BATCH_MAX_WAIT_MS));
    }

    /** How many contributing features an alert lists. */
    public int alertTopFeatures() {
        return (Integer) values.get(ALERT_TOP_FEATURES);
    }

    /** A string setting as given (trimmed; lower case for the enumerated ones). */
    public String string(String key) {
        Object v = values.get(key);
        return v == null ? "" : v.toString().trim();
    }

    /** An int setting. */
    public int integer(String key) {
        return (Integer) values.get(key);
    }

    /** A boolean setting. */
    public boolean bool(String key) {
        return (Boolean) values.get(key);
    }

    /** A long setting. */
    public long longValue(String key) {
        return (Long) values.get(key);
    }

    /** A double setting. */
    public double number(String key) {
        return (Double) values.get(key);
    }

    /** {@value SeriesKeys#ENTITY_FIELDS}: the JSON fields naming the entity (empty: the record key). */
    @SuppressWarnings("unchecked")
    public List<String> entityFields() {
        return ((List<String>) values.get(SeriesKeys.ENTITY_FIELDS)).stream().map(String::trim).filter(f -> !f.isEmpty()).toList();
    }

    /** HTTP port for /metrics and /health; 0 picks a free port. */
    /** The explicit output size bound, when set; otherwise it derives from the producer's max.request.size. */
    public Optional<Integer> outputMaxBytes() {
        return Optional.ofNullable((Integer) values.get(OUTPUT_MAX_BYTES));
    }

    public int metricsPort() {
        return (Integer) values.get(METRICS_PORT);
    }

    /** The address the HTTP server binds. */
    public String metricsBindAddress() {
        return (String) values.get(METRICS_BIND_ADDRESS);
    }

    /** Bound on a graceful shutdown. */
    public Duration shutdownTimeout() {
        return Duration.ofMillis((Long) values.get(SHUTDOWN_TIMEOUT_MS));
    }

    /** How long an owned partition with lag may go without its committed offset moving before it counts as stalled. */
    public Duration progressTimeout() {
        return Duration.ofMillis((Long) values.get(HEALTH_PROGRESS_TIMEOUT_MS));
    }

    /**
     * The commit interval Kafka Streams will use: {@code kafka.commit.interval.ms} when set, else 100 ms
     * under exactly-once (Streams' default) and {@value #DEFAULT_AT_LEAST_ONCE_COMMIT_INTERVAL_MS} ms under
     * at-least-once (kade's default; see the constant).
     */
    public long commitIntervalMs() {
        String set = kafka.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
        if (set != null && !set.isBlank()) {
            try {
                return Long.parseLong(set.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(KAFKA_PREFIX + StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
                        "invalid value '" + set + "', expected an integer");
            }
        }
        return processingGuarantee() == ProcessingGuarantee.AT_LEAST_ONCE ? DEFAULT_AT_LEAST_ONCE_COMMIT_INTERVAL_MS
                : EXACTLY_ONCE_COMMIT_INTERVAL_MS;
    }

    /** Pass-through Kafka client and Streams properties (prefix stripped). */
    public Map<String, String> kafka() {
        return kafka;
    }

    /**
     * A log-safe description: every setting, with secrets redacted by type: Kafka keys its own ConfigDefs
     * declare as passwords, kade keys of type password, and every unchecked key (its type is unknown).
     */
    public String describe() {
        return ConfigDescription.describe(values, kafka);
    }

    @Override
    public String toString() {
        return "KadeConfig[" + describe() + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KadeConfig c && values.equals(c.values) && kafka.equals(c.kafka);
    }

    @Override
    public int hashCode() {
        return Objects.hash(values, kafka);
    }

    /** A password setting's value (never logged), or null when unset. */
    public String secret(String key) {
        return InputKeys.secret(values, key);
    }

    /** A list setting, each entry trimmed, empty entries left out. */
    @SuppressWarnings("unchecked")
    public List<String> list(String key) {
        List<String> raw = (List<String>) values.get(key);
        List<String> out = new ArrayList<>();
        raw.stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
        return List.copyOf(out);
    }

    private static void notAlsoInput(String key, String topic, String input) {
        if (topic.equals(input)) {
            throw new ConfigException(key, "invalid value '" + topic + "', it is also an input topic");
        }
    }
}
