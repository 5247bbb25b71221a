package dev.kade.metrics;

import dev.kade.drift.DriftMonitor;
import dev.kade.model.ModelMetadata;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;

/**
 * The drift gauges of {@link KadeMetrics} (names there): the score PSI, the feature PSIs and their maximum, the alert
 * level and the window's fill. Kept apart so that KadeMetrics stays readable; it owns one of these once a
 * {@link DriftMonitor} is attached. The per-feature gauges are re-registered when another model starts to serve
 * (its feature names may differ), at most {@link dev.kade.drift.DriftSettings#featureSeries()} of them, so the label
 * {@code feature} is bounded by configuration, never by data.
 */
final class DriftMeters {
    private final MeterRegistry registry;
    private final Tags common;
    private final DriftMonitor monitor;
    private final List<Gauge> featureGauges = new ArrayList<>();

    DriftMeters(MeterRegistry registry, Tags common, DriftMonitor monitor) {
        this.registry = registry;
        this.common = common;
        this.monitor = monitor;
        Gauge.builder(KadeMetrics.DRIFT_SCORE_PSI, monitor, DriftMonitor::scorePsi)
                .description("Population stability index of the last drift.window.records scores against the serving "
                        + "model's training score deciles (NaN until the window is full); at or above "
                        + "kade_drift_alert_level the data has drifted from what the model learned")
                .tags(common).strongReference(true).register(registry);
        Gauge.builder(KadeMetrics.DRIFT_FEATURE_PSI_MAX, monitor, DriftMonitor::featurePsiMax)
                .description("Largest per-feature PSI of the last drift.window.records raw values against the training "
                        + "histograms (NaN for models without kade.feature_bins, or until the window is full)")
                .tags(common).strongReference(true).register(registry);
        Gauge.builder(KadeMetrics.DRIFT_ALERT_LEVEL, monitor, m -> m.settings().alertPsi())
                .description("The PSI at and above which score or feature drift alerts (drift.alert.psi)")
                .tags(common).strongReference(true).register(registry);
        Gauge.builder(KadeMetrics.DRIFT_WINDOW_RECORDS, monitor, DriftMonitor::windowFill)
                .description("Records in the drift window now (it restarts empty when another model starts to serve)")
                .tags(common).strongReference(true).register(registry);
    }

    DriftMonitor monitor() {
        return monitor;
    }

    /** Another model serves: restarts the windows and registers a gauge per monitored feature. */
    synchronized void serving(ModelMetadata metadata) {
        monitor.serving(metadata);
        for (Gauge g : featureGauges) {
            registry.remove(g);
        }
        featureGauges.clear();
        List<String> names = monitor.features();
        int n = Math.min(names.size(), monitor.settings().featureSeries());
        for (int j = 0; j < n; j++) {
            String name = names.get(j);
            featureGauges.add(Gauge.builder(KadeMetrics.DRIFT_FEATURE_PSI, monitor, m -> m.featurePsi(name))
                    .description("Per-feature PSI of the last drift.window.records raw values against the training "
                            + "histogram (the first drift.feature.series features in model order)")
                    .tags(common).tag("feature", name).strongReference(true).register(registry));
        }
    }
}
