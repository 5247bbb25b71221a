package dev.kade.stream;

import dev.kade.metrics.KadeMetrics;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the scoring topology: one source over the input topics, one processor that extracts, scores and
 * routes in batches, and sinks for alerts, scores (optional) and dead letters. With batching on, the
 * processor has a data-less store whose pre-commit hook scores and sends the batch before every commit
 * ({@link ScoringProcessor} explains why).
 *
 * <p>A pure factory: it does no I/O and knows no ONNX Runtime, only the {@link ModelRegistry} of
 * {@code Scorer}s, so {@code TopologyTestDriver} runs it without a broker.
 */
public final class ScoringTopology {
    public static final String SOURCE = "kade-input";
    public static final String PROCESSOR = "kade-score";
    public static final String ALERTS_SINK = "kade-alerts-sink";
    public static final String SCORES_SINK = "kade-scores-sink";
    /** The shadow model's score records ({@code model.shadow.scores.topic}; only when that is set). */
    public static final String SHADOW_SCORES_SINK = "kade-shadow-scores-sink";
    public static final String DEAD_LETTER_SINK = "kade-dead-letter-sink";
    /** The store whose pre-commit hook empties the scoring batch (holds no data; see {@link PreCommitFlushStore}). */
    public static final String BATCH_STORE = "kade-batch";
    /**
     * Per-entity state of windowed models: RocksDB, changelogged, caching disabled. A caching store would hold
     * writes back until its own flushCache, and the batch store's pre-commit hook (which writes the entity states)
     * must not be followed by a cache that flushes later in the same commit.
     */
    public static final String ENTITY_STORE = "kade-entities";
    /**
     * Open incidents ({@code alerts.mode=incident} only): in memory, changelogged, caching disabled, registered after the
     * batch store, whose pre-commit hook writes here. It holds open incidents only, so it stays small and restores fast.
     */
    public static final String INCIDENT_STORE = "kade-incidents";
    /**
     * The feedback topic's labels ({@code alerts.feedback.topic}, incident mode only): a global in-memory store whose
     * changelog is the compacted feedback topic itself ({@link FeedbackStoreProcessor} says why).
     */
    public static final String FEEDBACK_STORE = "kade-feedback";
    /**
     * The mute rules of the control topic ({@code alerts.mute.topic}): a global in-memory store whose changelog is the
     * compacted control topic itself, kept like the feedback store ({@link FeedbackStoreProcessor}).
     */
    public static final String MUTE_STORE = "kade-mutes";
    static final String MUTE_SOURCE = "kade-mute-source";
    static final String MUTE_PROCESSOR = "kade-mutes";
    static final String FEEDBACK_SOURCE = "kade-feedback-source";
    static final String FEEDBACK_PROCESSOR = "kade-feedback";

    private ScoringTopology() {
    }

    public static Topology build(TopologyConfig config, ModelRegistry models, KadeMetrics metrics) {
        return build(config, models, java.util.Optional.empty(), metrics);
    }

    /**
     * The topology with a shadow model: {@code shadow}'s model scores every per-record batch after the serving model,
     * for the {@code kade_shadow_*} metrics only (it adds no sink: nothing it computes is sent).
     */
    public static Topology build(TopologyConfig config, ModelRegistry models, java.util.Optional<ModelRegistry> shadow,
                                 KadeMetrics metrics) {
        Objects.requireNonNull(shadow, "shadow");
        return assemble(config, models, shadow.map(ShadowSetup::metricsOnly).orElse(null), metrics);
    }

    /**
     * The topology with a shadow model and, when {@link ShadowSetup#scoresTopic} is set, a sink for its score records:
     * the processor forwards one after each score record of the serving model, in the same task and so the same
     * transaction under exactly-once.
     */
    public static Topology build(TopologyConfig config, ModelRegistry models, ShadowSetup shadow, KadeMetrics metrics) {
        return assemble(config, models, Objects.requireNonNull(shadow, "shadow"), metrics);
    }

    /** @param shadowSetup the shadow, or null for none */
    private static Topology assemble(TopologyConfig config, ModelRegistry models, ShadowSetup shadowSetup, KadeMetrics metrics) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(metrics, "metrics");
        Topics topics = config.topics();
        var bytesIn = Topics.SERDE.deserializer();
        var bytesOut = Topics.SERDE.serializer();
        Topology t = new Topology();
        t.addSource(SOURCE, bytesIn, bytesIn, topics.input().toArray(String[]::new));
        // a windowed model at start gets the entity store (a per-record topology stays exactly as it was)
        boolean windowed = models.metadata().window() > 1;
        t.addProcessor(PROCESSOR, () -> new ScoringProcessor(config, models, metrics, windowed, shadowSetup), SOURCE);
        if (config.batching().maxRecords() > 1) {
            t.addStateStore(new PreCommitFlushStore.Builder(BATCH_STORE), PROCESSOR);
        }
        if (windowed) {
            // registered after the batch store: its pre-commit hook writes here, and this store has no cache to flush
            t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ENTITY_STORE), Serdes.Bytes(),
                    Serdes.ByteArray()).withCachingDisabled().withLoggingEnabled(Map.of()), PROCESSOR);
        }
        if (config.incidents().incidents() || config.incidents().muteTopic().enabled()) {
            // record mode with a mute topic keeps only MuteRouting's dead-letter bookkeeping here
            t.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(INCIDENT_STORE), Serdes.String(),
                    Serdes.ByteArray()).withCachingDisabled().withLoggingEnabled(Map.of()), PROCESSOR);
            config.incidents().feedback().topic().ifPresent(feedback -> t.addGlobalStore(
                    Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(FEEDBACK_STORE), Serdes.String(), Serdes.ByteArray())
                            .withLoggingDisabled(),
                    FEEDBACK_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), feedback,
                    FEEDBACK_PROCESSOR, FeedbackStoreProcessor::new));
        }
        config.incidents().muteTopic().topic().ifPresent(mutes -> t.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MUTE_STORE), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                MUTE_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), mutes,
                MUTE_PROCESSOR, () -> new FeedbackStoreProcessor(MUTE_STORE)));
        t.addSink(ALERTS_SINK, topics.alerts(), bytesOut, bytesOut, PROCESSOR);
        topics.scores().ifPresent(s -> t.addSink(SCORES_SINK, s, bytesOut, bytesOut, PROCESSOR));
        t.addSink(DEAD_LETTER_SINK, topics.deadLetter(), bytesOut, bytesOut, PROCESSOR);
        if (shadowSetup != null) {
            shadowSetup.scoresTopic().ifPresent(s -> t.addSink(SHADOW_SCORES_SINK, s, bytesOut, bytesOut, PROCESSOR));
        }
        return t;
    }

    /**
     * The reference for benchmarks: the same source and sink shape, no parsing or scoring; every input
     * record is copied to the alert topic as it is.
     */
    public static Topology passThrough(Topics topics) {
        var bytesIn = Topics.SERDE.deserializer();
        var bytesOut = Topics.SERDE.serializer();
        Topology t = new Topology();
        t.addSource(SOURCE, bytesIn, bytesIn, topics.input().toArray(String[]::new));
        t.addSink(ALERTS_SINK, topics.alerts(), bytesOut, bytesOut, SOURCE);
        return t;
    }
}
