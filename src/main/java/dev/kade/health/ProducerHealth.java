package dev.kade.health;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Tells from the Kafka producers' own metrics whether sending fails: between two checks, send errors rose
 * and no record was sent successfully. One record that fails while others go through (a dead letter, a
 * single oversized output) does not count: that is the record's problem, handled on the record's path.
 * Not thread-safe: the health monitor's one thread calls {@link #check}.
 */
public final class ProducerHealth {
    static final String GROUP = "producer-metrics";
    static final String ERRORS = "record-error-total";
    static final String SENDS = "record-send-total";

    private final Supplier<Map<MetricName, ? extends Metric>> metrics;
    private double lastErrors = Double.NaN;
    private double lastSends = Double.NaN;

    /** @param metrics the client's metrics, e.g. {@code KafkaStreams::metrics} */
    public ProducerHealth(Supplier<Map<MetricName, ? extends Metric>> metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Compares with the previous call; the reason when sending is failing. */
    public Optional<String> check() {
        double errors = 0;
        double sends = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.get().entrySet()) {
            MetricName n = e.getKey();
            if (!GROUP.equals(n.group())) {
                continue;
            }
            if (ERRORS.equals(n.name())) {
                errors += value(e.getValue());
            } else if (SENDS.equals(n.name())) {
                sends += value(e.getValue());
            }
        }
        double newErrors = Double.isNaN(lastErrors) ? 0 : errors - lastErrors;
        double newSends = Double.isNaN(lastSends) ? 0 : sends - lastSends;
        lastErrors = errors;
        lastSends = sends;
        if (newErrors > 0 && newSends <= 0) {
            return Optional.of("producer failing: " + (long) newErrors + " send errors and no successful send since the last check");
        }
        return Optional.empty();
    }

    private static double value(Metric m) {
        Object v = m.metricValue();
        return v instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : 0;
    }
}
