package dev.kade.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The settings of keeping a model current: drift monitoring ({@code drift.*}) and the shadow model
 * ({@code model.shadow.path}); a part of {@link KadeConfig#DEFINITION} kept apart, as {@link SeriesKeys} is. Each key
 * is defined once, here. Why the defaults are what they are: docs/model-lifecycle.md.
 */
public final class LifecycleKeys {
    public static final String DRIFT_WINDOW_RECORDS = "drift.window.records";
    public static final String DRIFT_ALERT_PSI = "drift.alert.psi";
    public static final String DRIFT_FEATURE_SERIES = "drift.feature.series";
    public static final String MODEL_SHADOW_PATH = "model.shadow.path";
    public static final String MODEL_SHADOW_SCORES_TOPIC = "model.shadow.scores.topic";

    /** Defaults, repeated by {@code drift.DriftSettings.DEFAULT} (a test holds the two equal). */
    public static final int DEFAULT_WINDOW_RECORDS = 5000;
    public static final double DEFAULT_ALERT_PSI = 0.25;
    public static final int DEFAULT_FEATURE_SERIES = 32;

    private LifecycleKeys() {
    }

    /** Adds these settings to {@code def} (at the end of the documentation) and returns it. */
    static ConfigDef define(ConfigDef def) {
        return def
                .define(DRIFT_WINDOW_RECORDS, Type.INT, DEFAULT_WINDOW_RECORDS, Range.between(100, 10_000_000), MEDIUM,
                        "Drift: the sliding window of latest scored records (per instance) whose score and feature "
                                + "distributions are compared with the serving model's training data (PSI over the "
                                + "training deciles). Larger: fewer false alarms, slower to see drift.")
                .define(DRIFT_ALERT_PSI, Type.DOUBLE, DEFAULT_ALERT_PSI, Range.between(1e-6, 100.0), MEDIUM,
                        "Drift: the population stability index at and above which the score or a feature counts as "
                                + "drifted; exported as kade_drift_alert_level, which the shipped alert rules compare with.")
                .define(DRIFT_FEATURE_SERIES, Type.INT, DEFAULT_FEATURE_SERIES, Range.between(0, 1000), LOW,
                        "Drift: how many features (the first, in model order) get their own kade_drift_feature_psi "
                                + "series; every feature counts towards kade_drift_feature_psi_max.")
                .define(MODEL_SHADOW_PATH, Type.STRING, null, null, MEDIUM,
                        "Optional: a challenger ONNX model that scores the same records in the same batches as the serving "
                                + "model, for comparison only: its scores and would-be alerts go to the kade_shadow_* metrics, "
                                + "never to the alert topic. It must pass the checks a hot reload of the serving model passes "
                                + "(self-check, same features, the serving model's probe rows not anomalous); watched and "
                                + "hot-reloaded like model.path. A file that does not exist yet is an empty slot: kade starts "
                                + "without a shadow (kade_shadow_loaded 0) and loads it when it appears; a file that is "
                                + "there but bad stops kade at start. Unset: no shadow.")
                .define(MODEL_SHADOW_SCORES_TOPIC, Type.STRING, null, null, LOW,
                        "Optional, with model.shadow.path: a topic that receives, for every record the serving model "
                                + "scored, the shadow model's score record (its score, its would-be verdict at its own "
                                + "threshold, its model_version, the input's source), in the same transaction as the serving "
                                + "model's outputs and within output.max.bytes. Nothing on it is an alert. Unset: the shadow "
                                + "feeds metrics only.");
    }

    /**
     * Fails naming {@link #MODEL_SHADOW_SCORES_TOPIC} when it is set without a shadow, or names a topic kade reads or
     * already writes something else to.
     */
    static void check(java.util.Map<String, Object> values, java.util.List<String> inputs, java.util.List<String> outputs) {
        Object topic = values.get(MODEL_SHADOW_SCORES_TOPIC);
        String t = topic == null ? "" : topic.toString().trim();
        if (t.isEmpty()) {
            return;
        }
        Object shadow = values.get(MODEL_SHADOW_PATH);
        if (shadow == null || shadow.toString().isBlank()) {
            throw new ConfigException(MODEL_SHADOW_SCORES_TOPIC, "invalid value '" + t + "': there is no shadow model to score, set "
                    + MODEL_SHADOW_PATH + " or leave this unset");
        }
        if (inputs.contains(t) || outputs.contains(t)) {
            throw new ConfigException(MODEL_SHADOW_SCORES_TOPIC, "invalid value '" + t
                    + "', it is also an input, the alert, the scores or the dead-letter topic");
        }
    }
}
