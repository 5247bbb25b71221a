package dev.kade.model;

import java.util.Objects;

/**
 * Scores for a batch of rows: {@code score[i]} and {@code featureErrors[i][j]} for row i, feature j.
 * Arrays are owned by the caller after return.
 */
public record Scores(float[] score, float[][] featureErrors) {
    public Scores {
        Objects.requireNonNull(score, "score");
        Objects.requireNonNull(featureErrors, "featureErrors");
        if (score.length != featureErrors.length) {
            throw new IllegalArgumentException("score has " + score.length + " rows, feature_errors " + featureErrors.length);
        }
    }

    public int size() {
        return score.length;
    }
}
