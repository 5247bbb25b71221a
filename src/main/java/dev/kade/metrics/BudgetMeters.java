package dev.kade.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The alert budget's meter of {@link KadeMetrics} (name there), registered for each model version that served or that
 * a task derived a threshold for:
 * {@code kade_alert_budget_threshold{model}}, the threshold the budget derived, per model version (never per entity:
 * each task reports the median over its entities, the gauge the highest of the instance's tasks). Compare it with
 * {@code kade_model_threshold}: their ratio is how far the budget raised the bar.
 *
 * <p>Thread-safe: tasks report from their stream threads, the registry reads at scrape time.
 */
final class BudgetMeters {
    private final MeterRegistry registry;
    private final Tags common;
    /** Task → model version → its median derived threshold. */
    private final Map<String, Map<String, Double>> byTask = new ConcurrentHashMap<>();
    private final Map<String, Gauge> gauges = new ConcurrentHashMap<>();

    BudgetMeters(MeterRegistry registry, Tags common) {
        this.registry = registry;
        this.common = common;
    }

    void threshold(String task, String model, double value) {
        byTask.computeIfAbsent(task, t -> new ConcurrentHashMap<>()).put(model, value);
        gauge(model);
    }

    /**
     * The serving model's gauge exists from its load, NaN until a task with a budget reports (always NaN without a
     * budget), as the feedback precision does: a dashboard or rule on it then finds a series on every kade.
     */
    void servingModel(String model) {
        gauge(model);
    }

    private void gauge(String model) {
        gauges.computeIfAbsent(model, m -> Gauge.builder(KadeMetrics.ALERT_BUDGET_THRESHOLD, this, b -> b.highest(m))
                .description("The threshold the alert budget derived (alerts.budget.*), per model: the median over a task's "
                        + "entities, the highest of this instance's tasks (NaN without a budget, or once no task reports it)")
                .tags(common).tag("model", m).strongReference(true).register(registry));
    }

    void closed(String task) {
        byTask.remove(task);
    }

    double highest(String model) {
        double max = Double.NaN;
        for (Map<String, Double> m : byTask.values()) {
            Double v = m.get(model);
            if (v != null && (Double.isNaN(max) || v > max)) {
                max = v;
            }
        }
        return max;
    }
}
