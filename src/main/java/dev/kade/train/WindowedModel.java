package dev.kade.train;

import dev.kade.model.ModelMetadata;
import dev.kade.model.ModelProbe;
import dev.kade.model.Scores;
import dev.kade.series.SeriesSpec;
import dev.kade.series.SeriesWindows;
import java.util.Objects;

/**
 * A windowed model as trained: an ordinary {@link TrainedEnsemble} (one network or K members) that reads a
 * window of W steps × F features as one W·F-wide row in per-entity normalised units, and the
 * {@link SeriesSpec} that says how those units are made from raw values ({@code (x − mean) / scale} with the
 * entity's {@link dev.kade.series.EntityStats}).
 *
 * <p>It is the Java forward pass the windowed ONNX export must agree with ({@link #scoreWindows}): normalise in
 * float32, score with the inner model, average the W·F feature errors over the window's steps into F, and turn
 * the inner reconstruction back into raw units with the entity's mean and scale.
 *
 * <p>Thread-safe (immutable).
 *
 * @param inner    the network(s), reading W·F normalised values named {@link SeriesWindows#flatNames}
 * @param spec     window, features per step and normalisation
 * @param metadata the windowed model's own metadata: the F per-step feature names, kind, threshold and score
 *                 distribution (those of the inner model: the scores are the same), fingerprint and version;
 *                 no probe (see {@code probe})
 * @param probe    calibration windows at evenly spaced score ranks, each row the W·F raw values followed by the
 *                 F means and F scales ((W+2)·F values), with the scores this forward pass gives them
 */
public record WindowedModel(TrainedEnsemble inner, SeriesSpec spec, ModelMetadata metadata, ModelProbe probe) {

    public WindowedModel {
        Objects.requireNonNull(inner, "inner");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(probe, "probe");
        if (inner.standardizer().width() != spec.width()) {
            throw new IllegalArgumentException("inner model reads " + inner.standardizer().width() + " values, a window has "
                    + spec.width());
        }
        if (metadata.features().size() != spec.features()) {
            throw new IllegalArgumentException("metadata names " + metadata.features().size() + " features, the spec has "
                    + spec.features());
        }
        if (probe.width() != (spec.window() + 2) * spec.features()) {
            throw new IllegalArgumentException("probe rows have " + probe.width() + " values, expected (W+2)·F = "
                    + (spec.window() + 2) * spec.features());
        }
    }

    /** Same model with another version (as {@code --model-version} sets it). */
    public WindowedModel withVersion(String version) {
        return new WindowedModel(inner, spec, metadata.withVersion(version), probe);
    }

    /**
     * Scores {@code rows} windows. {@code windows} is row-major [rows][W][F] raw values, oldest step first;
     * {@code stats} is [rows][2][F] (means, then scales) or null for mean 0 and scale 1. Writes the score of
     * row i to {@code score[i]}, its per-feature errors (mean over the W steps) to {@code featureErrors[i·F ..]}
     * and, when {@code reconstruction} is not null, its reconstruction in raw units to
     * {@code reconstruction[i·W·F ..]}.
     */
    public void scoreWindows(float[] windows, float[] stats, int rows, float[] score, float[] featureErrors,
                             float[] reconstruction) {
        int w = spec.window();
        int f = spec.features();
        int width = w * f;
        float[][] z = new float[rows][];
        float[] identity = new float[2 * f];
        java.util.Arrays.fill(identity, f, 2 * f, 1f);
        float[][] meanScale = new float[rows][];
        for (int i = 0; i < rows; i++) {
            float[] window = java.util.Arrays.copyOfRange(windows, i * width, (i + 1) * width);
            meanScale[i] = stats == null ? identity : java.util.Arrays.copyOfRange(stats, i * 2 * f, (i + 1) * 2 * f);
            z[i] = SeriesWindows.normalise(spec, window, meanScale[i]);
        }
        Scores s = inner.score(z);
        for (int i = 0; i < rows; i++) {
            score[i] = s.score()[i];
            float[] e = s.featureErrors()[i];
            for (int j = 0; j < f; j++) {
                float sum = 0;
                for (int t = 0; t < w; t++) {
                    sum += e[t * f + j];
                }
                featureErrors[i * f + j] = sum / w;
            }
        }
        if (reconstruction != null) {
            float[][] r = inner.reconstruct(z);
            for (int i = 0; i < rows; i++) {
                for (int k = 0; k < width; k++) {
                    int j = k % f;
                    reconstruction[i * width + k] = r[i][k] * meanScale[i][f + j] + meanScale[i][j];
                }
            }
        }
    }

    /** Scores of windows given as probe rows ((W+2)·F values each: window, means, scales). */
    public float[] scoreProbeRows(float[][] probeRows) {
        int width = spec.width();
        int f = spec.features();
        float[] windows = new float[probeRows.length * width];
        float[] stats = new float[probeRows.length * 2 * f];
        for (int i = 0; i < probeRows.length; i++) {
            System.arraycopy(probeRows[i], 0, windows, i * width, width);
            System.arraycopy(probeRows[i], width, stats, i * 2 * f, 2 * f);
        }
        float[] score = new float[probeRows.length];
        scoreWindows(windows, stats, probeRows.length, score, new float[probeRows.length * f], null);
        return score;
    }
}
