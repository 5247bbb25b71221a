package dev.kade.entity;

import java.util.Objects;

/**
 * Everything the stream needs to serve a windowed model: where entity and event time come from, the series
 * policies, and how many of the window's newest steps an alert shows. Ignored for per-record models.
 *
 * @param entity     {@code entity.*}
 * @param policy     {@code series.*}
 * @param alertSteps {@code series.alert.steps}: the window's newest steps an alert lists beside the expected values
 */
public record SeriesSettings(EntitySpec entity, SeriesPolicy policy, int alertSteps) {
    /** Record key, record timestamp, the default policies, 8 steps in alerts. */
    public static final SeriesSettings DEFAULT = new SeriesSettings(EntitySpec.DEFAULT, SeriesPolicy.DEFAULT, 8);

    public SeriesSettings {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(policy, "policy");
        if (alertSteps < 0) {
            throw new IllegalArgumentException("series.alert.steps must be >= 0: " + alertSteps);
        }
    }

    public SeriesSettings withPolicy(SeriesPolicy p) {
        return new SeriesSettings(entity, p, alertSteps);
    }

    public SeriesSettings withEntity(EntitySpec e) {
        return new SeriesSettings(e, policy, alertSteps);
    }
}
