package dev.kade.incident;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The mute control topic ({@code alerts.mute.topic}): a compacted topic of mute rules that operators change without a
 * restart (docs/alerting.md).
 *
 * @param topic   the topic; empty: mute rules come from the settings only
 * @param refresh how often (wall clock) a task reads the rules again
 */
public record MuteTopicSettings(Optional<String> topic, Duration refresh) {
    /** No control topic (the default). */
    public static final MuteTopicSettings OFF = new MuteTopicSettings(Optional.empty(), Duration.ofSeconds(1));

    public MuteTopicSettings {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(refresh, "refresh");
        if (refresh.isNegative()) {
            throw new IllegalArgumentException("refresh must be >= 0, got " + refresh);
        }
    }

    /** Reading {@code other}, with these settings otherwise (tests and benchmarks). */
    public MuteTopicSettings withTopic(String other) {
        return new MuteTopicSettings(Optional.of(other), refresh);
    }

    public boolean enabled() {
        return topic.isPresent();
    }
}
