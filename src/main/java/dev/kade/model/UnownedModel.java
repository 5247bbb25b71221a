package dev.kade.model;

import java.util.Objects;

/** {@link ServableModel#unowned}: every call goes to the scorer; {@link #close()} does nothing. */
record UnownedModel(Scorer scorer) implements ServableModel {
    UnownedModel {
        Objects.requireNonNull(scorer, "scorer");
    }

    @Override
    public Scores score(float[][] rows) {
        return scorer.score(rows);
    }

    @Override
    public void score(float[] features, int rows, float[] score, float[] featureErrors) {
        scorer.score(features, rows, score, featureErrors);
    }

    @Override
    public void score(float[] features, int rows, float[] score, float[] featureErrors, float[] latent) {
        scorer.score(features, rows, score, featureErrors, latent);
    }

    @Override
    public ModelMetadata metadata() {
        return scorer.metadata();
    }

    @Override
    public boolean hasReconstruction() {
        return scorer.hasReconstruction();
    }

    @Override
    public int latentWidth() {
        return scorer.latentWidth();
    }

    @Override
    public float[][] reconstruct(float[][] rows) {
        return scorer.reconstruct(rows);
    }

    @Override
    public float[][] latent(float[][] rows) {
        return scorer.latent(rows);
    }

    @Override
    public int window() {
        return scorer.window();
    }

    @Override
    public boolean takesEntityStats() {
        return scorer.takesEntityStats();
    }

    @Override
    public void scoreWindows(float[] windows, float[] stats, int rows, float[] score, float[] featureErrors) {
        scorer.scoreWindows(windows, stats, rows, score, featureErrors);
    }

    @Override
    public void scoreWindows(float[] windows, float[] stats, int rows, float[] score, float[] featureErrors,
                             float[] reconstruction) {
        scorer.scoreWindows(windows, stats, rows, score, featureErrors, reconstruction);
    }

    @Override
    public void close() {
        // owns nothing
    }
}
