package dev.kade.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The settings of per-entity scoring ({@code entity.*}, {@code series.*}), which only windowed models read: a
 * part of {@link KadeConfig#DEFINITION} kept apart so that the one definition of kade's settings stays readable.
 * Each key is defined once, here, in the place the documentation lists it.
 */
public final class SeriesKeys {
    public static final String ENTITY_FIELDS = "entity.fields";
    public static final String ENTITY_TIME_FIELD = "entity.time.field";
    public static final String ENTITY_TIME_FORMAT = "entity.time.format";
    public static final String SERIES_WARMUP = "series.warmup";
    public static final String SERIES_WARMUP_MIN_STEPS = "series.warmup.min.steps";
    public static final String SERIES_GAP = "series.gap";
    public static final String SERIES_GAP_MAX_MS = "series.gap.max.ms";
    public static final String SERIES_LATE = "series.late";
    public static final String SERIES_IDLE_EXPIRY_MS = "series.idle.expiry.ms";
    public static final String SERIES_EXPIRY_SWEEP_INTERVAL_MS = "series.expiry.sweep.interval.ms";
    public static final String SERIES_EXPIRY_SWEEP_MAX_ENTITIES = "series.expiry.sweep.max.entities";
    public static final String SERIES_ALERT_THRESHOLD = "series.alert.threshold";
    public static final String SERIES_ALERT_STEPS = "series.alert.steps";
    public static final String SERIES_HOLD_OFF = "series.hold.off";
    public static final String SERIES_RANGE_MARGIN = "series.range.margin";
    public static final String SERIES_LIKELIHOOD_SHORT_WINDOW = "series.likelihood.short.window";
    public static final String SERIES_LIKELIHOOD_LEARNING = "series.likelihood.learning.period";
    public static final String SERIES_LIKELIHOOD_HALF_LIFE = "series.likelihood.half.life";
    public static final String SERIES_STATE_MEMORY_BYTES = "series.state.memory.bytes";
    /** The least {@link #SERIES_STATE_MEMORY_BYTES} other than 0: 16 MiB. */
    public static final long SERIES_STATE_MEMORY_MIN = 16L << 20;

    private SeriesKeys() {
    }

    /** Adds the per-entity settings to {@code def} (KadeConfig's definition, in documentation order) and returns it. */
    static ConfigDef define(ConfigDef def) {
        return def
                .define(ENTITY_FIELDS, Type.LIST, "", null, MEDIUM,
                        "Windowed models: the JSON fields naming a record's entity (several make a composite entity). Empty: "
                                + "the record key. All records of one entity must arrive on one partition (key them by it).")
                .define(ENTITY_TIME_FIELD, Type.STRING, "", null, MEDIUM,
                        "Windowed models: the JSON field holding a record's event time. Empty: the record timestamp.")
                .define(ENTITY_TIME_FORMAT, Type.STRING, "auto", ConfigDef.ValidString.in("auto", "iso_8601", "epoch_millis",
                        "epoch_seconds"), LOW,
                        "How entity.time.field is written; auto reads ISO-8601, or epoch seconds below 1e11 and milliseconds above.")
                .define(SERIES_WARMUP, Type.STRING, "wait", ConfigDef.ValidString.in("wait", "impute"), MEDIUM,
                        "Windowed models: before an entity has W records its records are scored as warming up (flagged, never "
                                + "alerting); impute: from series.warmup.min.steps on, the window's missing steps are padded "
                                + "with its oldest and the record is scored and may alert.")
                .define(SERIES_WARMUP_MIN_STEPS, Type.INT, 8, Range.atLeast(1), LOW,
                        "With series.warmup=impute: records an entity needs before a padded window is scored in earnest.")
                .define(SERIES_GAP, Type.STRING, "restart", ConfigDef.ValidString.in("restart", "continue"), LOW,
                        "What a gap longer than series.gap.max.ms does to an entity's window: restart it (the entity warms "
                                + "up again; statistics kept) or continue as if the steps were consecutive. Gaps are counted.")
                .define(SERIES_GAP_MAX_MS, Type.LONG, 0L, Range.atLeast(0), LOW,
                        "The longest event-time step that is not a gap; 0: no gaps.")
                .define(SERIES_LATE, Type.STRING, "score", ConfigDef.ValidString.in("score", "dead_letter"), LOW,
                        "A record older than its entity's newest: scored on the window as it stands without changing the "
                                + "entity, or dead-lettered as late_record. Counted either way.")
                .define(SERIES_IDLE_EXPIRY_MS, Type.LONG, 7L * 24 * 3600 * 1000, Range.atLeast(0), MEDIUM,
                        "An entity whose newest record is this much older (in event time) than the newest its task has "
                                + "seen leaves the state (a tombstone in the changelog) and starts afresh; 0: never.")
                .define(SERIES_EXPIRY_SWEEP_INTERVAL_MS, Type.LONG, 60_000L, Range.atLeast(1), LOW,
                        "Stream time between two idle-expiry sweeps of a task's entity store.")
                .define(SERIES_EXPIRY_SWEEP_MAX_ENTITIES, Type.INT, 1000, Range.atLeast(1), LOW,
                        "Entities one sweep visits at most (it resumes where the last stopped; the store is never scanned in one go).")
                .define(SERIES_ALERT_THRESHOLD, Type.DOUBLE, 0.5, Range.between(1e-6, 1.0), MEDIUM,
                        "Windowed models alert when the entity's anomaly score (log-likelihood, range flag, hold-off) reaches "
                                + "this; 0.5 is a likelihood tail of 1e-5.")
                .define(SERIES_ALERT_STEPS, Type.INT, 8, Range.between(0, 1000), LOW,
                        "The window's newest steps an alert lists beside the model's expected values.")
                .define(SERIES_HOLD_OFF, Type.INT, 50, Range.between(0, 65535), LOW,
                        "Records of an entity after an alert-level score during which its score is capped at 0.3 (one "
                                + "incident, one alert); 0: off.")
                .define(SERIES_RANGE_MARGIN, Type.DOUBLE, 0.05, null, LOW,
                        "A record outside its entity's earlier range widened by this share on each side scores 1; negative: off.")
                .define(SERIES_LIKELIHOOD_SHORT_WINDOW, Type.INT, 10, Range.between(1, 127), LOW,
                        "Recent errors averaged into the likelihood's short-term mean.")
                .define(SERIES_LIKELIHOOD_LEARNING, Type.INT, 150, Range.atLeast(0), LOW,
                        "Records an entity's likelihood learns from before it judges any (its score is 0 until then).")
                .define(SERIES_LIKELIHOOD_HALF_LIFE, Type.DOUBLE, 8640.0, Range.atLeast(1.0), LOW,
                        "Half-life, in records, of the likelihood's long-term mean and variance.")
                .define(SERIES_STATE_MEMORY_BYTES, Type.LONG, 128L << 20, Validators.zeroOrAtLeast(SERIES_STATE_MEMORY_MIN), MEDIUM,
                        "Windowed models: native memory all entity stores of the process share (RocksDB's block cache, "
                                + "memtables charged to it), however many partitions the process owns; 0: Kafka Streams' "
                                + "RocksDB defaults, about 100 MB per partition.");
    }
}
