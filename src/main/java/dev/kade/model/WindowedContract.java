package dev.kade.model;

import java.util.Arrays;

/**
 * The parts of {@link ModelContract} that are particular to windowed models ({@link ModelMetadata#window()} >= 2):
 * their probe rows are a window of W steps of F raw values followed by the entity's F means and F scales, and
 * they are scored through {@link Scorer#scoreWindows}.
 */
final class WindowedContract {
    private WindowedContract() {
    }

    /** A batch of probe rows split into the windows and the statistics {@link Scorer#scoreWindows} takes. */
    private record Batch(int rows, float[] windows, float[] stats) {
        static Batch of(float[][] rows, int w, int f) {
            int n = rows.length;
            float[] windows = new float[n * w * f];
            float[] stats = new float[n * 2 * f];
            for (int i = 0; i < n; i++) {
                System.arraycopy(rows[i], 0, windows, i * w * f, w * f);
                System.arraycopy(rows[i], w * f, stats, i * 2 * f, 2 * f);
            }
            return new Batch(n, windows, stats);
        }
    }

    /**
     * {@link ModelContract#verify} for a windowed model: the probe's windows and statistics (or, without a probe,
     * a window of zeros and a window of ones with mean 0 and scale 1) must give a finite score and F finite
     * feature errors per window, an AE's score must be the mean of its feature errors and a VAE's at least their
     * sum (errors averaged over the steps keep both true), the reconstruction (when the model has one) one finite
     * raw value per step and feature, and, with a probe, the scores must reproduce and lie within the stored
     * quantiles.
     */
    static ModelContract.Verification verify(Scorer model) {
        ModelMetadata meta = model.metadata();
        int w = meta.window();
        int f = meta.features().size();
        Batch b = Batch.of(meta.probe().map(ModelProbe::rows).orElseGet(() -> syntheticWindows(w, f)), w, f);
        int n = b.rows();
        float[] score = new float[n];
        float[] errors = new float[n * f];
        float[] recon = model.hasReconstruction() ? new float[n * w * f] : null;
        Arrays.fill(score, Float.NaN);
        Arrays.fill(errors, Float.NaN);
        try {
            model.scoreWindows(b.windows(), model.takesEntityStats() ? b.stats() : null, n, score, errors, recon);
        } catch (RuntimeException e) {
            throw new InvalidModelException("model failed to score its probe windows: " + e.getMessage(), e);
        }
        float[][] errorRows = new float[n][];
        for (int i = 0; i < n; i++) {
            errorRows[i] = Arrays.copyOfRange(errors, i * f, (i + 1) * f);
            boolean finite = Float.isFinite(score[i]);
            for (float e : errorRows[i]) {
                finite &= Float.isFinite(e);
            }
            if (!finite) {
                throw new InvalidModelException("model gave a non-finite score or feature error on probe window " + i);
            }
        }
        ModelContract.checkKind(meta.kind(), new Scores(score, errorRows));
        if (recon != null) {
            for (int k = 0; k < recon.length; k++) {
                if (!Float.isFinite(recon[k])) {
                    throw new InvalidModelException("optional output '" + ModelContract.OUTPUT_RECONSTRUCTION
                            + "' is not finite on probe window " + k / (w * f));
                }
            }
        }
        if (meta.probe().isEmpty()) {
            return ModelContract.Verification.NO_PROBE;
        }
        ModelContract.checkReproduced(meta.probe().get(), score);
        ModelContract.checkQuantiles(meta.probe().get(), score, meta.distribution());
        return ModelContract.Verification.VERIFIED;
    }

    /** Scores of windowed probe rows (window, means, scales), for {@link ModelContract#verifyReplacement}. */
    static float[] scoreProbe(Scorer model, float[][] rows) {
        ModelMetadata meta = model.metadata();
        int f = meta.features().size();
        Batch b = Batch.of(rows, meta.window(), f);
        float[] score = new float[b.rows()];
        try {
            model.scoreWindows(b.windows(), model.takesEntityStats() ? b.stats() : null, b.rows(), score, new float[b.rows() * f]);
        } catch (RuntimeException e) {
            throw new InvalidModelException("model failed to score the serving model's probe windows: " + e.getMessage(), e);
        }
        return score;
    }

    /** Without a probe: a window of zeros and a window of ones, each with mean 0 and scale 1. */
    private static float[][] syntheticWindows(int w, int f) {
        float[][] rows = new float[2][(w + 2) * f];
        Arrays.fill(rows[0], (w + 1) * f, (w + 2) * f, 1f);
        Arrays.fill(rows[1], 1f);
        Arrays.fill(rows[1], w * f, (w + 1) * f, 0f);
        return rows;
    }
}
