package dev.kade.stream;

import java.util.Objects;
import java.util.Optional;

/**
 * The shadow (challenger) model of a topology: its registry (a lease per batch, so a hot reload never closes it under
 * an inference) and, optionally, the topic its per-record scores go to ({@code model.shadow.scores.topic}). Without a
 * topic the shadow feeds the {@code kade_shadow_*} metrics only; with one, every record the serving model sends a score
 * record for gets one more record there with the shadow's score and version, in the same transaction.
 *
 * @param models      the shadow's registry (empty while the shadow slot has no file)
 * @param scoresTopic where shadow score records go, or empty for metrics only
 */
public record ShadowSetup(ModelRegistry models, Optional<String> scoresTopic) {
    public ShadowSetup {
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(scoresTopic, "scoresTopic");
    }

    /** A shadow that feeds metrics only (no shadow scores topic). */
    public static ShadowSetup metricsOnly(ModelRegistry models) {
        return new ShadowSetup(models, Optional.empty());
    }
}
