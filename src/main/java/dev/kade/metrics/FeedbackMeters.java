package dev.kade.metrics;

import dev.kade.incident.FeedbackBook;
import dev.kade.incident.FeedbackLabel;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The feedback loop's meters of {@link KadeMetrics} (names there): {@code kade_feedback_labels{label}}, the labels on
 * the feedback topic now (gauges, since every instance reads the whole topic), and
 * {@code kade_feedback_precision{model}}, labelled true positives ÷ labelled true or false positives. Every label count
 * exists from the start at 0 (no labels yet, or no feedback topic), as the incident counters do, and the serving
 * model's precision from its load at NaN (0 labelled of 0): a dashboard or rule on them then reads "none" rather than
 * "no such metric". The {@code label} tag is a closed set; {@code model} is a model version.
 *
 * <p>Thread-safe.
 */
final class FeedbackMeters {
    /** The {@code label} tags: each label, and the records refused or naming no kade incident. */
    static final List<String> LABEL_TAGS = Stream.concat(Arrays.stream(FeedbackLabel.values()).map(FeedbackLabel::label),
            Stream.of("refused", "unknown_incident")).toList();

    private final MeterRegistry registry;
    private final Tags common;
    private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();

    FeedbackMeters(MeterRegistry registry, Tags common) {
        this.registry = registry;
        this.common = common;
        for (String label : LABEL_TAGS) {
            gauge(KadeMetrics.FEEDBACK_LABELS, "label", label);
        }
    }

    /** A model serves: its precision exists from now, NaN until one of its incidents is labelled. */
    void servingModel(String version) {
        gauge(KadeMetrics.FEEDBACK_PRECISION, "model", version);
    }

    /** The feedback topic's labels as the newest read of it counts them. */
    void update(FeedbackBook book) {
        for (FeedbackLabel l : FeedbackLabel.values()) {
            gauge(KadeMetrics.FEEDBACK_LABELS, "label", l.label()).set((double) book.labels(l));
        }
        gauge(KadeMetrics.FEEDBACK_LABELS, "label", "refused").set((double) book.refused());
        gauge(KadeMetrics.FEEDBACK_LABELS, "label", "unknown_incident").set((double) book.unknown());
        book.precision().forEach((model, p) -> gauge(KadeMetrics.FEEDBACK_PRECISION, "model", model).set(p));
    }

    private AtomicReference<Double> gauge(String name, String tag, String value) {
        return gauges.computeIfAbsent(name + '\0' + value, k -> {
            // a label count starts at 0; a precision at NaN, the honest value of 0 labelled of 0
            var ref = new AtomicReference<Double>(name.equals(KadeMetrics.FEEDBACK_PRECISION) ? Double.NaN : 0.0);
            Gauge.builder(name, ref, AtomicReference::get)
                    .description(name.equals(KadeMetrics.FEEDBACK_LABELS) ? "Labels on the feedback topic now, by label"
                            : "Measured precision per model: labelled true positives / labelled true or false positives")
                    .tags(common).tag(tag, value).strongReference(true).register(registry);
            return ref;
        });
    }
}
