package dev.kade.stream;

import dev.kade.input.InputDecoding;
import dev.kade.output.ContextSettings;
import dev.kade.output.OutputLimits;
import dev.kade.entity.SeriesSettings;
import java.time.Clock;
import java.util.Objects;

/**
 * What the scoring topology needs to know, and nothing else.
 *
 * @param topics      topics read and written
 * @param topFeatures how many contributing features an alert lists
 * @param clock       source of detection time (a fixed clock in tests)
 * @param batching    how records are grouped into one model call
 * @param limits      the size every output record must fit
 * @param includeLatent whether scores records carry the model's latent code ({@code scores.include.latent})
 * @param series      entity, event time and series policies for windowed models (ignored for per-record ones)
 * @param context     what alerts and scores carry from their input record (headers, fields)
 * @param input       how input values are read ({@code input.format}: JSON as is, or Avro through a registry)
 */
public record TopologyConfig(Topics topics, int topFeatures, Clock clock, Batching batching, OutputLimits limits,
                             boolean includeLatent, SeriesSettings series, ContextSettings context, InputDecoding input) {
    public TopologyConfig {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(batching, "batching");
        Objects.requireNonNull(limits, "limits");
        if (topFeatures < 0) {
            throw new IllegalArgumentException("topFeatures must be >= 0");
        }
    }

    /** With the default carried context (W3C trace headers, no fields). */
    public TopologyConfig(Topics topics, int topFeatures, Clock clock, Batching batching, OutputLimits limits,
                          boolean includeLatent, SeriesSettings series) {
        this(topics, topFeatures, clock, batching, limits, includeLatent, series, ContextSettings.DEFAULT, InputDecoding.JSON);
    }

    /** Per-record settings only (windowed models get {@link SeriesSettings#DEFAULT}). */
    public TopologyConfig(Topics topics, int topFeatures, Clock clock, Batching batching, OutputLimits limits,
                          boolean includeLatent) {
        this(topics, topFeatures, clock, batching, limits, includeLatent, SeriesSettings.DEFAULT);
    }

    /** Without the latent code on scores records. */
    public TopologyConfig(Topics topics, int topFeatures, Clock clock, Batching batching, OutputLimits limits) {
        this(topics, topFeatures, clock, batching, limits, false);
    }

    /** With the default batching and output limit (Kafka's default {@code max.request.size} less headroom). */
    public TopologyConfig(Topics topics, int topFeatures, Clock clock) {
        this(topics, topFeatures, clock, Batching.DEFAULT, OutputLimits.DEFAULT);
    }

    /** With the default output limit. */
    public TopologyConfig(Topics topics, int topFeatures, Clock clock, Batching batching) {
        this(topics, topFeatures, clock, batching, OutputLimits.DEFAULT);
    }

    /** The same settings with other batching (tests and benchmarks). */
    public TopologyConfig withBatching(Batching other) {
        return new TopologyConfig(topics, topFeatures, clock, other, limits, includeLatent, series, context, input);
    }

    /** The same settings with another output limit (tests). */
    public TopologyConfig withLimits(OutputLimits other) {
        return new TopologyConfig(topics, topFeatures, clock, batching, other, includeLatent, series, context, input);
    }

    /** The same settings reading input values another way. */
    public TopologyConfig withInput(InputDecoding other) {
        return new TopologyConfig(topics, topFeatures, clock, batching, limits, includeLatent, series, context, other);
    }

    /** The same settings with another carried context. */
    public TopologyConfig withContext(ContextSettings other) {
        return new TopologyConfig(topics, topFeatures, clock, batching, limits, includeLatent, series, other, input);
    }

    /** The same settings with other entity, time and series settings (windowed models). */
    public TopologyConfig withSeries(SeriesSettings other) {
        return new TopologyConfig(topics, topFeatures, clock, batching, limits, includeLatent, other, context, input);
    }
}
