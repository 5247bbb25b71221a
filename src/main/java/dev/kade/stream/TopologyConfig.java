package dev.kade.stream;

import dev.kade.config.KadeConfig;
import java.time.Clock;
import java.util.Objects;

/**
 * What the scoring topology needs to know, and nothing else.
 *
 * @param topics      topics read and written
 * @param topFeatures how many contributing features an alert lists
 * @param clock       source of detection time (a fixed clock in tests)
 */
public record TopologyConfig(Topics topics, int topFeatures, Clock clock) {
    public TopologyConfig {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(clock, "clock");
        if (topFeatures < 0) {
            throw new IllegalArgumentException("topFeatures must be >= 0");
        }
    }

    public static TopologyConfig from(KadeConfig config) {
        return new TopologyConfig(Topics.from(config), config.alertTopFeatures(), Clock.systemUTC());
    }
}
