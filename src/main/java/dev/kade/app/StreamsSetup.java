package dev.kade.app;

import dev.kade.entity.BoundedRocksDb;
import dev.kade.config.KadeConfig;
import dev.kade.config.AlertKeys;
import dev.kade.config.InputKeys;
import dev.kade.config.OutputKeys;
import dev.kade.input.InputDecoding;
import dev.kade.input.InputFormats;
import dev.kade.input.RegistrySettings;
import java.net.URI;
import java.nio.file.Path;
import dev.kade.config.SeriesKeys;
import dev.kade.incident.AlertMode;
import dev.kade.incident.IncidentEntity;
import dev.kade.incident.IncidentFormat;
import dev.kade.incident.IncidentSettings;
import dev.kade.incident.MuteRule;
import dev.kade.metrics.KadeMetrics;
import dev.kade.output.OutputLimits;
import dev.kade.stream.Batching;
import dev.kade.stream.CountingProcessingExceptionHandler;
import dev.kade.stream.KadeProductionExceptionHandler;
import dev.kade.stream.Topics;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import dev.kade.config.ConfigException;
import dev.kade.entity.EntitySpec;
import dev.kade.entity.GapPolicy;
import dev.kade.entity.LatePolicy;
import dev.kade.entity.LikelihoodParams;
import dev.kade.entity.SeriesPolicy;
import dev.kade.entity.SeriesSettings;
import dev.kade.entity.TimeFormat;
import dev.kade.entity.WarmUpPolicy;
import dev.kade.stream.TopologyConfig;
import dev.kade.output.ContextSettings;
import java.time.Clock;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/**
 * The one place where kade's settings become what Kafka Streams and the scoring topology run with: the
 * Streams properties (pass-through {@code kafka.*} keys, then what kade owns) and the topology's
 * {@link TopologyConfig}. {@code stream} knows nothing of {@link KadeConfig}; {@code config} knows nothing
 * of Kafka Streams' handlers.
 */
public final class StreamsSetup {
    private StreamsSetup() {
    }

    /**
     * Properties for Kafka Streams and its clients: the pass-through {@code kafka.*} settings, then what kade
     * owns (bootstrap servers, application id, guarantee, commit interval, byte-array serdes so that reading
     * never fails, the dead-letter topic, and log-and-continue handlers where the user set none). Without the
     * metrics the handlers count with: for admin clients and tests that drive a topology without counting.
     */
    public static Properties properties(KadeConfig config) {
        Properties p = new Properties();
        p.putAll(config.kafka());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee().streamsValue());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(config.commitIntervalMs()));
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        // KIP-1034: a record that still makes a processor throw (a bug) goes to the dead-letter topic and
        // processing continues, instead of crash-looping on one poison pill.
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.deadLetterTopic());
        p.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueProcessingExceptionHandler.class.getName());
        p.putIfAbsent(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class.getName());
        // kade has no global store, so this changes nothing it runs; it opts in to what Kafka 5.0 makes the
        // default, and silences the WARN Streams logs about it on every StreamsConfig it builds (four per start)
        p.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        if (!p.containsKey(ProducerConfig.BATCH_SIZE_CONFIG)
                && !p.containsKey(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG))) {
            p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), Integer.toString(PRODUCER_BATCH_BYTES));
        }
        return p;
    }

    /**
     * The producer's {@code batch.size} unless {@code kafka.batch.size} or {@code kafka.producer.batch.size} sets it:
     * 64 KiB instead of the client's 16 KiB. A score record is two to three times the size of a typical input record,
     * so 16 KiB batches fill two to three times as often as a pass-through app's, and every full batch wakes the
     * producer's I/O thread for one more produce request: that thread spent about twice the pass-through's CPU per
     * record (docs/performance.md, "Cost per record"). Memory: at most one open batch per output partition, within
     * the producer's {@code buffer.memory} (32 MiB); latency: none added, a batch is still sent when {@code linger.ms}
     * (Kafka Streams: 100 ms) expires or at a commit, whichever comes first.
     */
    static final int PRODUCER_BATCH_BYTES = 64 * 1024;

    /**
     * {@link #properties(KadeConfig)} as the scorer runs them: {@link CountingProcessingExceptionHandler} in
     * place of the plain log-and-continue processing handler and {@link KadeProductionExceptionHandler} as
     * the production handler (handlers the user configured are kept), with the metrics and output limit they
     * use.
     */
    public static Properties properties(KadeConfig config, KadeMetrics metrics) {
        Properties p = properties(config);
        if (LogAndContinueProcessingExceptionHandler.class.getName()
                .equals(p.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG))) {
            p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, CountingProcessingExceptionHandler.class.getName());
        }
        p.putIfAbsent(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, KadeProductionExceptionHandler.class.getName());
        p.put(CountingProcessingExceptionHandler.METRICS_CONFIG, metrics);
        p.put(KadeProductionExceptionHandler.LIMITS_CONFIG, limits(config));
        defaultCompression(p);
        boundEntityStores(p, config);
        return p;
    }

    /**
     * {@link BoundedRocksDb} as the RocksDB configuration of the entity stores (windowed models), with the bound
     * {@code series.state.memory.bytes}, unless that is 0 or the user chose a {@code kafka.rocksdb.config.setter} of
     * their own (which then decides). A per-record model has no RocksDB store, and the setting changes nothing there.
     */
    private static void boundEntityStores(Properties p, KadeConfig config) {
        long bytes = config.longValue(SeriesKeys.SERIES_STATE_MEMORY_BYTES);
        if (bytes > 0 && !p.containsKey(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)) {
            p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class.getName());
            p.put(BoundedRocksDb.MEMORY_CONFIG, bytes);
        }
    }

    /** The producer property kade defaults: Streams' producer-prefixed {@code compression.type}. */
    static final String PRODUCER_COMPRESSION = StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG);

    /**
     * lz4 on kade's own producer (score records, alerts, dead letters, state changelogs) unless the user chose a
     * compression ({@code kafka.compression.type} or {@code kafka.producer.compression.type}). Issue 21 measured it
     * against kade without it, paired per round under both guarantees (docs/time-series.md, "Fewer changelog
     * bytes"): the JSON outputs and entity states compress well, so the producer hands the kernel and the broker
     * fewer bytes in fewer requests: kade's CPU per record fell by about a fifth and its rate rose, while the broker's
     * CPU per second stayed about the same. Only the scorer's
     * properties get it, not {@link #properties(KadeConfig)}, which the benchmarks' pass-through app shares.
     */
    private static void defaultCompression(Properties p) {
        if (!p.containsKey(PRODUCER_COMPRESSION) && !p.containsKey(ProducerConfig.COMPRESSION_TYPE_CONFIG)) {
            p.put(PRODUCER_COMPRESSION, "lz4");
        }
    }

    /** What the scoring topology needs from the settings. */
    public static TopologyConfig topology(KadeConfig config) {
        return new TopologyConfig(topics(config), config.alertTopFeatures(), Clock.systemUTC(),
                new Batching(config.batchMaxRecords(), config.batchMaxWait()), limits(config), config.scoresIncludeLatent(),
                series(config), context(config), input(config), incidents(config));
    }

    /** The alert settings ({@code alerts.*}): per-record alerts or incidents. */
    public static IncidentSettings incidents(KadeConfig config) {
        String link = config.string(AlertKeys.LINK_TEMPLATE);
        return new IncidentSettings(AlertMode.ofLabel(config.string(AlertKeys.ALERTS_MODE)),
                IncidentEntity.ofLabel(config.string(AlertKeys.INCIDENT_ENTITY)),
                Duration.ofMillis(config.longValue(AlertKeys.INCIDENT_UPDATE_INTERVAL_MS)),
                Duration.ofMillis(config.longValue(AlertKeys.INCIDENT_QUIET_MS)),
                config.integer(AlertKeys.INCIDENT_RESOLVE_NORMAL_RECORDS),
                link.isEmpty() ? Optional.empty() : Optional.of(link),
                IncidentFormat.ofLabel(config.string(AlertKeys.INCIDENT_FORMAT)),
                config.bool(AlertKeys.INCIDENT_RESOLVE_WALL_CLOCK), muteRules(config), feedback(config), muteTopic(config), budget(config));
    }

    /** {@code alerts.mute.topic} (empty: off) and {@code alerts.mute.refresh.ms}. */
    private static dev.kade.incident.MuteTopicSettings muteTopic(KadeConfig config) {
        String topic = config.string(AlertKeys.MUTE_TOPIC);
        return new dev.kade.incident.MuteTopicSettings(topic.isBlank() ? Optional.empty() : Optional.of(topic.trim()),
                Duration.ofMillis(config.longValue(AlertKeys.MUTE_REFRESH_MS)));
    }

    /** {@code alerts.budget.*}: incidents a day, from which kade derives the threshold (0: no budget). */
    private static dev.kade.incident.BudgetSettings budget(KadeConfig config) {
        return new dev.kade.incident.BudgetSettings(config.number(AlertKeys.BUDGET_PER_ENTITY_PER_DAY),
                config.number(AlertKeys.BUDGET_PER_DAY), Math.max(1, config.integer(AlertKeys.BUDGET_PARTITIONS)),
                Duration.ofMillis(config.longValue(AlertKeys.BUDGET_WARMUP_MS)));
    }

    /** {@code alerts.feedback.*}: the feedback topic (empty: off) and how its labels raise an entity's bar. */
    private static dev.kade.incident.FeedbackSettings feedback(KadeConfig config) {
        String topic = config.string(AlertKeys.FEEDBACK_TOPIC);
        return new dev.kade.incident.FeedbackSettings(topic.isBlank() ? Optional.empty() : Optional.of(topic.trim()),
                config.number(AlertKeys.FEEDBACK_FACTOR), config.number(AlertKeys.FEEDBACK_MAX_FACTOR),
                Duration.ofMillis(config.longValue(AlertKeys.FEEDBACK_REFRESH_MS)));
    }

    /** {@code alerts.mute.rules} and {@code alerts.mute.schedules}, each parsed; a bad one fails the start naming its key. */
    private static java.util.List<MuteRule> muteRules(KadeConfig config) {
        java.util.List<MuteRule> rules = new java.util.ArrayList<>();
        for (String text : config.list(AlertKeys.MUTE_RULES)) {
            try {
                rules.add(MuteRule.parse(text));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(AlertKeys.MUTE_RULES, e.getMessage());
            }
        }
        for (String text : config.string(AlertKeys.MUTE_SCHEDULES).split(";")) {
            if (text.isBlank()) {
                continue;
            }
            try {
                rules.add(MuteRule.parseSchedule(text));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(AlertKeys.MUTE_SCHEDULES, e.getMessage());
            }
        }
        return rules;
    }

    /**
     * A registry lookup blocks the stream thread: at most half of {@code transaction.timeout.ms} under exactly-once
     * (longer, and the broker aborts the task's open transaction: the task is fenced and its records read again) or
     * of {@code max.poll.interval.ms} (longer, and the group evicts the thread).
     */
    static void checkLookupBound(KadeConfig config, RegistrySettings settings) {
        boolean eos = config.processingGuarantee() != dev.kade.config.ProcessingGuarantee.AT_LEAST_ONCE;
        Map<String, String> k = config.kafka();
        String name = eos ? "transaction.timeout.ms" : "max.poll.interval.ms";
        String set = eos ? k.getOrDefault("producer.transaction.timeout.ms", k.get("transaction.timeout.ms"))
                : k.getOrDefault("main.consumer.max.poll.interval.ms",
                        k.getOrDefault("consumer.max.poll.interval.ms", k.get("max.poll.interval.ms")));
        long limit = set != null ? Long.parseLong(set.trim()) : eos ? 10_000L : 300_000L;
        long worst = settings.worstCase().toMillis();
        if (worst > limit / 2) {
            throw new ConfigException(InputKeys.REGISTRY_TIMEOUT_MS, "with " + InputKeys.REGISTRY_RETRIES + "="
                    + settings.retries() + " and " + InputKeys.REGISTRY_RETRY_BACKOFF_MS + "=" + settings.backoff().toMillis()
                    + ", one schema lookup may hold the stream thread " + worst + " ms, more than half of " + name + " ("
                    + limit + " ms); lower them or raise kafka." + (eos ? "producer." : "") + name);
        }
    }

    /** How input values are read ({@code input.format}, {@code schema.registry.*}): {@link InputFormats}' decoding. */
    public static InputDecoding input(KadeConfig config) {
        String format = config.string(InputKeys.INPUT_FORMAT);
        if (!InputFormats.needsRegistry(format)) {
            return InputFormats.decoding(format, null);
        }
        String truststore = config.string(InputKeys.REGISTRY_TRUSTSTORE_LOCATION);
        RegistrySettings settings = new RegistrySettings(URI.create(config.string(InputKeys.REGISTRY_URL)),
                config.secret(InputKeys.REGISTRY_USER_INFO), truststore.isEmpty() ? null : Path.of(truststore),
                config.secret(InputKeys.REGISTRY_TRUSTSTORE_PASSWORD), config.string(InputKeys.REGISTRY_TRUSTSTORE_TYPE),
                Duration.ofMillis(config.integer(InputKeys.REGISTRY_TIMEOUT_MS)), config.integer(InputKeys.REGISTRY_RETRIES),
                Duration.ofMillis(config.integer(InputKeys.REGISTRY_RETRY_BACKOFF_MS)),
                Duration.ofMillis(config.integer(InputKeys.REGISTRY_COOLDOWN_MS)), config.integer(InputKeys.REGISTRY_CACHE_MAX));
        checkLookupBound(config, settings);
        try {
            return InputFormats.decoding(format, settings);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(InputKeys.REGISTRY_TRUSTSTORE_LOCATION, e.getMessage());
        }
    }

    /** What alerts and scores carry from their input ({@code output.headers.*}, {@code output.fields.*}). */
    public static ContextSettings context(KadeConfig config) {
        return new ContextSettings(OutputKeys.copied(config.list(OutputKeys.HEADERS_COPY)), config.integer(OutputKeys.HEADERS_MAX_BYTES),
                OutputKeys.copied(config.list(OutputKeys.FIELDS_COPY)), config.integer(OutputKeys.FIELDS_MAX_CHARS));
    }

    /**
     * The entity, event-time and series settings for windowed models ({@code entity.*}, {@code series.*}).
     *
     * @throws ConfigException naming the key whose value the series classes refuse
     */
    public static SeriesSettings series(KadeConfig config) {
        String timeField = config.string(SeriesKeys.ENTITY_TIME_FIELD);
        EntitySpec entity;
        try {
            entity = new EntitySpec(config.entityFields(), timeField.isEmpty() ? Optional.empty() : Optional.of(timeField),
                    TimeFormat.ofLabel(config.string(SeriesKeys.ENTITY_TIME_FORMAT)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SeriesKeys.ENTITY_FIELDS, e.getMessage());
        }
        LikelihoodParams likelihood = new LikelihoodParams(config.integer(SeriesKeys.SERIES_LIKELIHOOD_SHORT_WINDOW),
                config.integer(SeriesKeys.SERIES_LIKELIHOOD_LEARNING), config.number(SeriesKeys.SERIES_LIKELIHOOD_HALF_LIFE),
                LikelihoodParams.DEFAULT.minStd(), config.number(SeriesKeys.SERIES_RANGE_MARGIN),
                config.integer(SeriesKeys.SERIES_HOLD_OFF), LikelihoodParams.DEFAULT.holdCap(),
                config.number(SeriesKeys.SERIES_ALERT_THRESHOLD));
        SeriesPolicy policy = new SeriesPolicy(
                WarmUpPolicy.valueOf(config.string(SeriesKeys.SERIES_WARMUP).toUpperCase(Locale.ROOT)),
                config.integer(SeriesKeys.SERIES_WARMUP_MIN_STEPS),
                GapPolicy.valueOf(config.string(SeriesKeys.SERIES_GAP).toUpperCase(Locale.ROOT)),
                Duration.ofMillis(config.longValue(SeriesKeys.SERIES_GAP_MAX_MS)),
                LatePolicy.valueOf(config.string(SeriesKeys.SERIES_LATE).toUpperCase(Locale.ROOT)),
                Duration.ofMillis(config.longValue(SeriesKeys.SERIES_IDLE_EXPIRY_MS)),
                Duration.ofMillis(config.longValue(SeriesKeys.SERIES_EXPIRY_SWEEP_INTERVAL_MS)),
                config.integer(SeriesKeys.SERIES_EXPIRY_SWEEP_MAX_ENTITIES), likelihood);
        return new SeriesSettings(entity, policy, config.integer(SeriesKeys.SERIES_ALERT_STEPS));
    }

    /** The topics the settings name. */
    public static Topics topics(KadeConfig config) {
        return new Topics(config.inputTopics(), config.alertTopic(), config.scoresTopic(), config.deadLetterTopic());
    }

    /** {@code output.max.bytes}, or the producer's {@code max.request.size} less headroom when it is unset. */
    public static OutputLimits limits(KadeConfig config) {
        return config.outputMaxBytes().map(OutputLimits::new).orElseGet(() -> OutputLimits.fromProducer(config.kafka()));
    }
}
