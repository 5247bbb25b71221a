package dev.kade.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The settings of drift monitoring ({@code drift.*}): a part of {@link KadeConfig#DEFINITION} kept apart, as
 * {@link SeriesKeys} is. Each key is defined once, here. Why the defaults are what they are: docs/model-lifecycle.md.
 */
public final class DriftKeys {
    public static final String DRIFT_WINDOW_RECORDS = "drift.window.records";
    public static final String DRIFT_ALERT_PSI = "drift.alert.psi";
    public static final String DRIFT_FEATURE_SERIES = "drift.feature.series";

    /** Defaults, repeated by {@code drift.DriftSettings.DEFAULT} (a test holds the two equal). */
    public static final int DEFAULT_WINDOW_RECORDS = 5000;
    public static final double DEFAULT_ALERT_PSI = 0.25;
    public static final int DEFAULT_FEATURE_SERIES = 32;

    private DriftKeys() {
    }

    /** Adds the drift settings to {@code def} (at the end of the documentation) and returns it. */
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
                                + "series; every feature counts towards kade_drift_feature_psi_max.");
    }
}
