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
 */
public record ScoreRecord(float score, boolean anomaly, ModelMetadata model, Source source) {
    public ScoreRecord {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(source, "source");
    }
}
