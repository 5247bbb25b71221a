package dev.kade.incident;

import java.util.Objects;
import java.util.Optional;

/**
 * The feedback loop's settings ({@code alerts.feedback.*}).
 *
 * @param topic     the compacted topic alert consumers write labels to; empty: no feedback
 * @param factor    each false-positive or new-normal label of an entity multiplies the score its next incident needs
 *                  to open (the model's threshold) by this much
 * @param maxFactor the most an entity's bar may be raised, so that a real incident far above it still opens
 * @param refresh   how often (wall clock) a task reads the labels again
 */
public record FeedbackSettings(Optional<String> topic, double factor, double maxFactor, java.time.Duration refresh) {
    /** No feedback topic (the default). */
    public static final FeedbackSettings OFF = new FeedbackSettings(Optional.empty(), 2.0, 8.0,
            java.time.Duration.ofSeconds(1));

    public FeedbackSettings {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(refresh, "refresh");
        if (!(factor >= 1.0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("factor must be a finite number >= 1, got " + factor);
        }
        if (!(maxFactor >= 1.0) || Double.isInfinite(maxFactor)) {
            throw new IllegalArgumentException("maxFactor must be a finite number >= 1, got " + maxFactor);
        }
    }

    /** These settings reading {@code other} (tests and benchmarks). */
    public FeedbackSettings withTopic(String other) {
        return new FeedbackSettings(Optional.of(other), factor, maxFactor, refresh);
    }

    public boolean enabled() {
        return topic.isPresent();
    }
}
