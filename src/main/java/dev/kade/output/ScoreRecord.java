package dev.kade.output;

import dev.kade.model.ModelMetadata;
import java.util.Objects;

/**
 * One scored record, as {@link OutputWriter} renders it to the scores topic (format: README "Scores format").
 *
 * @param score   the score; +Infinity when finite features overflowed the model's arithmetic
 * @param anomaly whether an alert was sent for it
 * @param model   the model that scored it
 * @param source  where the record came from
 * @param latent  the batch's latent codes, row-major, or null when scores carry no code
 * @param latentOffset where this record's code starts in {@code latent}
 * @param latentWidth  values in one code (0 without)
 * @param series  a windowed model's per-entity fields, or null for a per-record model
 * @param muted   whether the record lies inside a mute window of its entity (written as {@code "muted": true} only then,
 *                so records outside every window keep the format unchanged)
 */
public record ScoreRecord(float score, boolean anomaly, ModelMetadata model, Source source, float[] latent, int latentOffset,
                          int latentWidth, SeriesScore series, boolean muted) {
    public ScoreRecord {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(source, "source");
        if (latent != null && (latentWidth < 1 || latentOffset < 0 || latentOffset + latentWidth > latent.length)) {
            throw new IllegalArgumentException("latent code [" + latentOffset + ", +" + latentWidth + ") outside an array of "
                    + latent.length);
        }
    }

    /** A score record outside every mute window. */
    public ScoreRecord(float score, boolean anomaly, ModelMetadata model, Source source, float[] latent, int latentOffset,
                       int latentWidth, SeriesScore series) {
        this(score, anomaly, model, source, latent, latentOffset, latentWidth, series, false);
    }

    /** A per-record model's score record. */
    public ScoreRecord(float score, boolean anomaly, ModelMetadata model, Source source, float[] latent, int latentOffset,
                       int latentWidth) {
        this(score, anomaly, model, source, latent, latentOffset, latentWidth, null);
    }

    /** A score record without a latent code (the format unchanged since the first version). */
    public ScoreRecord(float score, boolean anomaly, ModelMetadata model, Source source) {
        this(score, anomaly, model, source, null, 0, 0);
    }
}
