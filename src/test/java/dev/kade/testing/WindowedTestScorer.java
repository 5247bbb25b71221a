package dev.kade.testing;

import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ScoreDistribution;
import dev.kade.model.Scorer;
import dev.kade.model.Scores;
import dev.kade.series.SeriesSpec;
import java.time.Instant;
import java.util.List;

/**
 * A windowed scorer in plain Java for topology tests (the stream's windowed path without ONNX Runtime): it
 * "reconstructs" every step of a window as its entity's mean before the record, and scores the window by the mean
 * squared normalised distance from it, {@code mean_{t,j} ((x − mean_j) / scale_j)²}; a feature's error is its own
 * mean over the steps. Deterministic, and far from 0 exactly when the window leaves the entity's usual level.
 */
public final class WindowedTestScorer implements Scorer {
    private final ModelMetadata metadata;
    private final int w;
    private final int f;

    public WindowedTestScorer(List<String> features, int window, String version) {
        this.metadata = new ModelMetadata(features, ModelKind.AE, 1.0,
                new ScoreDistribution(new double[] {0, 0.5, 1.0}, new double[] {0, 1, 10}), "sha256:windowed-test",
                Instant.parse("2026-12-03T00:00:00Z"), version).withSeries(SeriesSpec.of(window, features.size()));
        this.w = window;
        this.f = features.size();
    }

    @Override
    public ModelMetadata metadata() {
        return metadata;
    }

    @Override
    public Scores score(float[][] rows) {
        throw new UnsupportedOperationException("a windowed model scores windows");
    }

    @Override
    public boolean hasReconstruction() {
        return true;
    }

    @Override
    public void scoreWindows(float[] windows, float[] stats, int rows, float[] score, float[] featureErrors,
                             float[] reconstruction) {
        Scorer.checkWindowArrays(this, windows, stats, rows, score, featureErrors, reconstruction);
        for (int i = 0; i < rows; i++) {
            double total = 0;
            for (int j = 0; j < f; j++) {
                float mean = stats[2 * i * f + j];
                float scale = stats[(2 * i + 1) * f + j];
                double sum = 0;
                for (int t = 0; t < w; t++) {
                    int k = (i * w + t) * f + j;
                    double z = (windows[k] - mean) / scale;
                    sum += z * z;
                    if (reconstruction != null) {
                        reconstruction[k] = mean;
                    }
                }
                featureErrors[i * f + j] = (float) (sum / w);
                total += sum;
            }
            score[i] = (float) (total / (w * f));
        }
    }
}
