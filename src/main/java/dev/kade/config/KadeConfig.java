package dev.kade.config;

import java.io.IOException;
import java.io.Reader;
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
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/**
 * Every setting of {@code kade run}, parsed once and validated at construction, so that a bad setting
 * stops the program at start naming the key (and the value).
 *
 * <p>Sources, later ones winning: a properties file, environment variables ({@code KADE_} + the key in
 * upper case with dots as underscores: {@code KADE_BOOTSTRAP_SERVERS}, {@code KADE_KAFKA_SASL_JAAS_CONFIG}),
 * then explicit overrides (command-line options). Keys under {@code kafka.} are passed to Kafka Streams
 * and its clients with the prefix stripped, so TLS and SASL are written as Kafka users write them.
 * Any other key kade does not know fails (typo protection).
 *
 * @param bootstrapServers    Kafka bootstrap servers
 * @param applicationId       Kafka Streams application id (consumer group, internal topic prefix)
 * @param inputTopics         topics of JSON records to score
 * @param alertTopic          where anomalies go, one JSON alert each
 * @param scoresTopic         optional: every scored record with its score
 * @param deadLetterTopic     where unreadable records go, original bytes plus reason headers
 * @param modelPath           the ONNX model file (watched for changes)
 * @param modelPollInterval   how often the model file is checked for changes
 * @param processingGuarantee exactly-once v2 (default) or at-least-once
 * @param metricsPort         HTTP port for /metrics and /health; 0 picks a free port
 * @param shutdownTimeout     bound on a graceful shutdown
 * @param alertTopFeatures    how many contributing features an alert lists
 * @param kafka               pass-through Kafka client and Streams properties (prefix stripped)
 */
public record KadeConfig(
        String bootstrapServers,
        String applicationId,
        List<String> inputTopics,
        String alertTopic,
        Optional<String> scoresTopic,
        String deadLetterTopic,
        Path modelPath,
        Duration modelPollInterval,
        ProcessingGuarantee processingGuarantee,
        int metricsPort,
        Duration shutdownTimeout,
        int alertTopFeatures,
        Map<String, String> kafka) {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String APPLICATION_ID = "application.id";
    public static final String INPUT_TOPICS = "input.topics";
    public static final String ALERT_TOPIC = "alert.topic";
    public static final String SCORES_TOPIC = "scores.topic";
    public static final String DEAD_LETTER_TOPIC = "dead.letter.topic";
    public static final String MODEL_PATH = "model.path";
    public static final String MODEL_POLL_INTERVAL_MS = "model.poll.interval.ms";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String METRICS_PORT = "metrics.port";
    public static final String SHUTDOWN_TIMEOUT_MS = "shutdown.timeout.ms";
    public static final String ALERT_TOP_FEATURES = "alert.top.features";
    /** Prefix of pass-through Kafka properties. */
    public static final String KAFKA_PREFIX = "kafka.";
    /** Prefix of environment variables read as settings. */
    public static final String ENV_PREFIX = "KADE_";

    /** Every kade-level key, in documentation order. */
    public static final List<String> KEYS = List.of(BOOTSTRAP_SERVERS, APPLICATION_ID, INPUT_TOPICS, ALERT_TOPIC,
            SCORES_TOPIC, DEAD_LETTER_TOPIC, MODEL_PATH, MODEL_POLL_INTERVAL_MS, PROCESSING_GUARANTEE, METRICS_PORT,
            SHUTDOWN_TIMEOUT_MS, ALERT_TOP_FEATURES);

    public static final String DEFAULT_APPLICATION_ID = "kade";
    public static final String DEFAULT_ALERT_TOPIC = "kade-alerts";
    public static final String DEFAULT_DEAD_LETTER_TOPIC = "kade-dead-letters";
    public static final long DEFAULT_MODEL_POLL_INTERVAL_MS = 10_000;
    public static final int DEFAULT_METRICS_PORT = 9404;
    public static final long DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;
    public static final int DEFAULT_ALERT_TOP_FEATURES = 3;

    /** Kafka properties kade sets from its own keys; setting them under {@code kafka.} would be ambiguous. */
    private static final Map<String, String> OWNED_KAFKA_KEYS = Map.of(
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP_SERVERS,
            StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID,
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG, PROCESSING_GUARANTEE,
            StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, DEAD_LETTER_TOPIC);

    private static final Pattern KAFKA_CONFIG_NAME = Pattern.compile("for configuration ([^\\s:]+)");
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Set<String> SECRET_HINTS = Set.of("password", "jaas", "secret", "key");

    public KadeConfig {
        bootstrapServers = requireText(BOOTSTRAP_SERVERS, bootstrapServers);
        applicationId = requireText(APPLICATION_ID, applicationId);
        if (!TOPIC.matcher(applicationId).matches()) {
            throw new ConfigException(APPLICATION_ID, "invalid value '" + applicationId
                    + "', use letters, digits, '.', '_' and '-' only");
        }
        Objects.requireNonNull(inputTopics, INPUT_TOPICS);
        inputTopics = List.copyOf(inputTopics);
        if (inputTopics.isEmpty()) {
            throw new ConfigException(INPUT_TOPICS, "is required (a comma-separated list of topics)");
        }
        inputTopics.forEach(t -> requireTopic(INPUT_TOPICS, t));
        requireTopic(ALERT_TOPIC, alertTopic);
        Objects.requireNonNull(scoresTopic, SCORES_TOPIC);
        scoresTopic.ifPresent(t -> requireTopic(SCORES_TOPIC, t));
        requireTopic(DEAD_LETTER_TOPIC, deadLetterTopic);
        for (String in : inputTopics) {
            // reading our own output would score alerts as input, forever
            notAlsoInput(ALERT_TOPIC, alertTopic, in);
            notAlsoInput(DEAD_LETTER_TOPIC, deadLetterTopic, in);
            scoresTopic.ifPresent(s -> notAlsoInput(SCORES_TOPIC, s, in));
        }
        if (modelPath == null || modelPath.toString().isBlank()) {
            throw new ConfigException(MODEL_PATH, "is required (the ONNX model file)");
        }
        Objects.requireNonNull(modelPollInterval, MODEL_POLL_INTERVAL_MS);
        if (modelPollInterval.toMillis() < 100) {
            throw new ConfigException(MODEL_POLL_INTERVAL_MS, "invalid value '" + modelPollInterval.toMillis() + "', must be at least 100");
        }
        Objects.requireNonNull(processingGuarantee, PROCESSING_GUARANTEE);
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new ConfigException(METRICS_PORT, "invalid value '" + metricsPort + "', must be 0..65535 (0 picks a free port)");
        }
        Objects.requireNonNull(shutdownTimeout, SHUTDOWN_TIMEOUT_MS);
        if (shutdownTimeout.toMillis() < 1) {
            throw new ConfigException(SHUTDOWN_TIMEOUT_MS, "invalid value '" + shutdownTimeout.toMillis() + "', must be positive");
        }
        if (alertTopFeatures < 0 || alertTopFeatures > 1000) {
            throw new ConfigException(ALERT_TOP_FEATURES, "invalid value '" + alertTopFeatures + "', must be 0..1000");
        }
        Objects.requireNonNull(kafka, "kafka");
        for (String k : kafka.keySet()) {
            String owner = OWNED_KAFKA_KEYS.get(k);
            if (owner != null) {
                throw new ConfigException(KAFKA_PREFIX + k, "set '" + owner + "' instead; kade owns this Kafka property");
            }
        }
        kafka = Map.copyOf(kafka);
    }

    /** Parses settings from a flat map of kade keys (file, env and flags already merged). */
    public static KadeConfig fromMap(Map<String, String> settings) {
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
                throw new ConfigException(key, "unknown setting; known settings are " + KEYS
                        + " and kafka.<any Kafka client or Streams property>");
            }
        }
        KadeConfig config = new KadeConfig(
                settings.get(BOOTSTRAP_SERVERS),
                settings.getOrDefault(APPLICATION_ID, DEFAULT_APPLICATION_ID),
                list(settings.get(INPUT_TOPICS)),
                settings.getOrDefault(ALERT_TOPIC, DEFAULT_ALERT_TOPIC),
                Optional.ofNullable(settings.get(SCORES_TOPIC)).map(String::trim).filter(s -> !s.isEmpty()),
                settings.getOrDefault(DEAD_LETTER_TOPIC, DEFAULT_DEAD_LETTER_TOPIC),
                Optional.ofNullable(settings.get(MODEL_PATH)).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).orElse(null),
                Duration.ofMillis(longValue(settings, MODEL_POLL_INTERVAL_MS, DEFAULT_MODEL_POLL_INTERVAL_MS)),
                Optional.ofNullable(settings.get(PROCESSING_GUARANTEE))
                        .map(v -> ProcessingGuarantee.parse(PROCESSING_GUARANTEE, v))
                        .orElse(ProcessingGuarantee.EXACTLY_ONCE_V2),
                (int) longValue(settings, METRICS_PORT, DEFAULT_METRICS_PORT),
                Duration.ofMillis(longValue(settings, SHUTDOWN_TIMEOUT_MS, DEFAULT_SHUTDOWN_TIMEOUT_MS)),
                (int) longValue(settings, ALERT_TOP_FEATURES, DEFAULT_ALERT_TOP_FEATURES),
                kafka);
        config.validateKafka();
        return config;
    }

    /** Lets Kafka Streams check the pass-through properties now, so a bad one fails start-up naming its key. */
    void validateKafka() {
        try {
            new StreamsConfig(streamsProperties());
        } catch (org.apache.kafka.common.config.ConfigException e) {
            Matcher m = KAFKA_CONFIG_NAME.matcher(String.valueOf(e.getMessage()));
            throw new ConfigException(m.find() ? KAFKA_PREFIX + m.group(1) : KAFKA_PREFIX + "*", e.getMessage());
        }
    }

    /**
     * Reads settings from an optional properties file, then the environment, then overrides, and validates.
     *
     * @param file      properties file, or empty to use only environment and overrides
     * @param env       the environment (usually {@code System.getenv()}); only {@code KADE_*} variables are read
     * @param overrides settings that win over both (command-line options)
     */
    public static KadeConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>();
        file.ifPresent(f -> merged.putAll(readProperties(f)));
        merged.putAll(fromEnvironment(env));
        merged.putAll(overrides);
        return fromMap(merged);
    }

    /** The settings named by {@code KADE_*} environment variables: {@code KADE_A_B_C} is key {@code a.b.c}. */
    public static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                String key = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                if (!KEYS.contains(key) && !key.startsWith(KAFKA_PREFIX)) {
                    throw new ConfigException(key, "unknown setting from environment variable " + name
                            + "; known settings are " + KEYS + " and kafka.<any Kafka property>");
                }
                out.put(key, value);
            }
        });
        return out;
    }

    /** The name of the environment variable that sets a key: {@code metrics.port} is {@code KADE_METRICS_PORT}. */
    public static String environmentVariable(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    static Map<String, String> readProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ConfigException("--config", "cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k.trim(), p.getProperty(k).trim()));
        return out;
    }

    /**
     * Properties for Kafka Streams: the pass-through {@code kafka.*} settings, then what kade owns
     * (bootstrap servers, application id, guarantee, byte-array serdes so that reading never fails,
     * continue-on-error handlers backed by the dead-letter topic).
     */
    public Properties streamsProperties() {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee.streamsValue());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        // KIP-1034: a record that still makes a processor throw (a bug) goes to the dead-letter topic and
        // processing continues, instead of crash-looping on one poison pill.
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic);
        p.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueProcessingExceptionHandler.class.getName());
        p.putIfAbsent(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class.getName());
        return p;
    }

    /** A log-safe description: every setting, with secrets (passwords, JAAS configs, keys) redacted. */
    public String describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(BOOTSTRAP_SERVERS, bootstrapServers);
        m.put(APPLICATION_ID, applicationId);
        m.put(INPUT_TOPICS, String.join(",", inputTopics));
        m.put(ALERT_TOPIC, alertTopic);
        m.put(SCORES_TOPIC, scoresTopic.orElse("(off)"));
        m.put(DEAD_LETTER_TOPIC, deadLetterTopic);
        m.put(MODEL_PATH, modelPath);
        m.put(MODEL_POLL_INTERVAL_MS, modelPollInterval.toMillis());
        m.put(PROCESSING_GUARANTEE, processingGuarantee.streamsValue());
        m.put(METRICS_PORT, metricsPort);
        m.put(SHUTDOWN_TIMEOUT_MS, shutdownTimeout.toMillis());
        m.put(ALERT_TOP_FEATURES, alertTopFeatures);
        new TreeMap<>(kafka).forEach((k, v) -> m.put(KAFKA_PREFIX + k, isSecret(k) ? "[redacted]" : v));
        return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return "KadeConfig[" + describe() + "]";
    }

    private static boolean isSecret(String kafkaKey) {
        String k = kafkaKey.toLowerCase(Locale.ROOT);
        return SECRET_HINTS.stream().anyMatch(k::contains);
    }

    private static List<String> list(String value) {
        if (value == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
        return out;
    }

    private static long longValue(Map<String, String> settings, String key, long dflt) {
        String v = settings.get(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            long parsed = Long.parseLong(v.trim());
            if (parsed > Integer.MAX_VALUE && !key.endsWith(".ms")) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "invalid value '" + v + "', expected an integer");
        }
    }

    private static String requireText(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key, "is required");
        }
        return value.trim();
    }

    private static void requireTopic(String key, String topic) {
        if (topic == null || topic.isBlank()) {
            throw new ConfigException(key, "is required");
        }
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new ConfigException(key, "invalid value '" + topic + "', not a legal Kafka topic name");
        }
    }

    private static void notAlsoInput(String key, String topic, String input) {
        if (topic.equals(input)) {
            throw new ConfigException(key, "invalid value '" + topic + "', it is also an input topic");
        }
    }
}
