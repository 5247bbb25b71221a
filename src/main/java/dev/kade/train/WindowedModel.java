package dev.kade.train;

import dev.kade.model.ModelMetadata;
import dev.kade.model.ModelProbe;
import dev.kade.model.Scorer;
import dev.kade.model.Scores;
import dev.kade.series.Normalisation;
import dev.kade.series.SeriesSpec;
import dev.kade.series.SeriesWindows;
import java.util.Arrays;
import java.util.Objects;

/**
 * A windowed model as trained: an ordinary {@link TrainedEnsemble} (one network or K members) that reads a
 * window of W steps × F features as one W·F-wide row in per-entity normalised units, and metadata whose
 * {@link SeriesSpec} says how those units are made from raw values ({@link SeriesSpec#normalise} with the
 * entity's {@link dev.kade.series.EntityStats}).
 *
 * <p>It is a {@link Scorer} of windows, the Java forward pass the windowed ONNX export must agree with
 * ({@link #scoreWindows}): normalise in float32, score with the inner model, average the W·F feature errors
 * over the window's steps into F, and map the inner reconstruction back into raw units with the entity's mean
 * and scale. Per-record {@link #score(float[][])} is not supported.
 *
 * <p>Thread-safe (immutable).
 *
 * @param inner    the network(s), reading W·F normalised values named {@link SeriesWindows#flatNames}
 * @param metadata the windowed model's metadata: the F per-step feature names, the series spec, kind,
 *                 threshold and score distribution (the inner model's: the scores are the same), and a probe of
 *                 (W+2)·F-wide rows (window, means, scales) with the scores this forward pass gives them
 */
public record WindowedModel(TrainedEnsemble inner, ModelMetadata metadata) implements Scorer {

    public WindowedModel {
        Objects.requireNonNull(inner, "inner");
        Objects.requireNonNull(metadata, "metadata");
        SeriesSpec spec = metadata.series().orElseThrow(() -> new IllegalArgumentException("metadata has no series spec"));
        if (inner.standardizer().width() != spec.width()) {
            throw new IllegalArgumentException("inner model reads " + inner.standardizer().width() + " values, a window has "
                    + spec.width());
        }
        if (metadata.probe().isEmpty()) {
            throw new IllegalArgumentException("a trained windowed model carries a probe");
        }
    }

    /** Window, features per step and normalisation. */
    public SeriesSpec spec() {
        return metadata.series().orElseThrow();
    }

    /** Calibration windows at evenly spaced score ranks (rows: window, means, scales). */
    public ModelProbe probe() {
        return metadata.probe().orElseThrow();
    }

    /** Same model with another version (as {@code --model-version} sets it). */
    public WindowedModel withVersion(String version) {
        return new WindowedModel(inner, metadata.withVersion(version));
    }

    /** Not supported: a windowed model scores windows ({@link #scoreWindows}). */
    @Override
    public Scores score(float[][] rows) {
        throw new UnsupportedOperationException("a windowed model (W=" + spec().window() + ") scores windows, not rows");
    }

    @Override
    public boolean hasReconstruction() {
        return true;
    }

    /** Scores windows as the exported graph does; {@code stats} null means mean 0 and scale 1. */
    @Override
    public void scoreWindows(float[] windows, float[] stats, int rows, float[] score, float[] featureErrors,
                             float[] reconstruction) {
        Scorer.checkWindowArrays(this, windows, stats, rows, score, featureErrors, reconstruction);
        SeriesSpec spec = spec();
        int w = spec.window();
        int f = spec.features();
        int width = w * f;
        float[] identity = new float[2 * f];
        Arrays.fill(identity, f, 2 * f, 1f);
        boolean useStats = stats != null && spec.normalisation() != Normalisation.NONE;
        float[][] z = new float[rows][];
        float[][] meanScale = new float[rows][];
        for (int i = 0; i < rows; i++) {
            float[] window = Arrays.copyOfRange(windows, i * width, (i + 1) * width);
            meanScale[i] = useStats ? Arrays.copyOfRange(stats, i * 2 * f, (i + 1) * 2 * f) : identity;
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
        SeriesSpec spec = spec();
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
