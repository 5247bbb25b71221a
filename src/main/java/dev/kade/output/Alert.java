package dev.kade.output;

import dev.kade.model.ModelMetadata;
import java.time.Instant;
import java.util.Objects;

/**
 * One anomaly, as {@link OutputWriter} renders it to the alert topic (format: README "Alert format").
 *
 * <p>The arrays are views, not copies: {@code features} and {@code featureErrors} hold
 * {@code model.features().size()} values from {@code offset} on (a row of a batch), and must not change
 * until the alert is rendered. Rendering is what bounds the alert's size; this value only names the parts.
 *
 * @param key           record key, null when the record had none
 * @param source        where the record came from
 * @param eventTime     the record's timestamp
 * @param detectionTime when kade scored it
 * @param model         the model that scored it
 * @param score         the score; +Infinity when finite features overflowed the model's arithmetic
 * @param features      the feature values the model saw
 * @param featureErrors each feature's share of the score
 * @param offset        where this record's values start in both arrays
 * @param topFeatures   how many contributing features to list
 * @param series        a windowed model's per-entity part, or null for a per-record model
 */
public record Alert(byte[] key, Source source, Instant eventTime, Instant detectionTime, ModelMetadata model,
                    float score, float[] features, float[] featureErrors, int offset, int topFeatures, SeriesAlert series) {
    public Alert {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(eventTime, "eventTime");
        Objects.requireNonNull(detectionTime, "detectionTime");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(featureErrors, "featureErrors");
        int width = model.features().size();
        if (offset < 0 || offset + width > features.length || offset + width > featureErrors.length) {
            throw new IllegalArgumentException("a row of " + width + " values at " + offset + " does not fit arrays of "
                    + features.length + " and " + featureErrors.length);
        }
        if (topFeatures < 0) {
            throw new IllegalArgumentException("topFeatures must be >= 0");
        }
        if (series != null && series.offset() + series.steps() * width > series.window().length) {
            throw new IllegalArgumentException("a window of " + series.steps() + " x " + width + " at " + series.offset()
                    + " does not fit an array of " + series.window().length);
        }
    }

    /** A per-record model's alert. */
    public Alert(byte[] key, Source source, Instant eventTime, Instant detectionTime, ModelMetadata model, float score,
                 float[] features, float[] featureErrors, int offset, int topFeatures) {
        this(key, source, eventTime, detectionTime, model, score, features, featureErrors, offset, topFeatures, null);
    }
}
