package dev.kade.model;

/**
 * Scores rows of raw feature values, in the order {@link ModelMetadata#features()} names them.
 *
 * <p>The stream topology depends on this interface only, so it can be tested without ONNX Runtime.
 * Implementations must be safe to call from several stream threads at once.
 */
public interface Scorer {
    /** Scores a batch; every row has {@code metadata().features().size()} values. */
    Scores score(float[][] rows);

    /**
     * Scores {@code rows} rows laid out row-major in {@code features} (row i at {@code i * width}), writing
     * row i's score to {@code score[i]} and its feature errors to {@code featureErrors[i * width ..]}. The
     * stream's batch path: the caller owns and reuses all three arrays. The default copies through
     * {@link #score(float[][])}; {@code OnnxModel} overrides it without per-row allocation.
     */
    default void score(float[] features, int rows, float[] score, float[] featureErrors) {
        int width = metadata().features().size();
        if (rows < 0 || features.length < rows * width || score.length < rows || featureErrors.length < rows * width) {
            throw new IllegalArgumentException(rows + " rows of " + width + " do not fit arrays of " + features.length + ", "
                    + score.length + " and " + featureErrors.length);
        }
        float[][] split = new float[rows][];
        for (int i = 0; i < rows; i++) {
            split[i] = java.util.Arrays.copyOfRange(features, i * width, (i + 1) * width);
        }
        Scores s = score(split);
        if (s.size() != rows) {
            throw new ScorerContractException("scorer returned " + s.size() + " scores for " + rows + " rows");
        }
        for (int i = 0; i < rows; i++) {
            if (s.featureErrors()[i] == null || s.featureErrors()[i].length != width) {
                throw new ScorerContractException("scorer returned " + (s.featureErrors()[i] == null ? "no"
                        : s.featureErrors()[i].length) + " feature errors for a row of " + width + " features");
            }
            score[i] = s.score()[i];
            System.arraycopy(s.featureErrors()[i], 0, featureErrors, i * width, width);
        }
    }

    /** The model's self-description: features, kind, threshold, score distribution, version. */
    ModelMetadata metadata();

    /**
     * Whether {@link #reconstruct} works: kade's own models (output {@value ModelContract#OUTPUT_RECONSTRUCTION})
     * and foreign reconstruction models have one; a plain contract model need not.
     */
    default boolean hasReconstruction() {
        return false;
    }

    /** Width L of the optional latent code ({@value ModelContract#OUTPUT_LATENT} [N,L]); 0 when the model has none. */
    default int latentWidth() {
        return 0;
    }

    /**
     * The model's reconstruction of each row, in raw feature units (what the row "should" have been).
     *
     * @throws UnsupportedOperationException when {@link #hasReconstruction()} is false
     */
    default float[][] reconstruct(float[][] rows) {
        throw new UnsupportedOperationException("model " + metadata().version() + " has no "
                + ModelContract.OUTPUT_RECONSTRUCTION + " output");
    }

    /**
     * The latent code of each row ({@link #latentWidth()} values).
     *
     * @throws UnsupportedOperationException when {@link #latentWidth()} is 0
     */
    default float[][] latent(float[][] rows) {
        throw new UnsupportedOperationException("model " + metadata().version() + " has no " + ModelContract.OUTPUT_LATENT + " output");
    }

    /**
     * The batch path of {@link #score(float[], int, float[], float[])} that also writes row i's latent code to
     * {@code latent[i * latentWidth() ..]}. The default scores, then encodes through {@link #latent(float[][])};
     * {@code OnnxModel} does both in one call without per-row allocation.
     *
     * @throws UnsupportedOperationException when {@link #latentWidth()} is 0
     */
    default void score(float[] features, int rows, float[] score, float[] featureErrors, float[] latent) {
        int l = latentWidth();
        if (l == 0) {
            throw new UnsupportedOperationException("model " + metadata().version() + " has no " + ModelContract.OUTPUT_LATENT + " output");
        }
        score(features, rows, score, featureErrors);
        int width = metadata().features().size();
        float[][] split = new float[rows][];
        for (int i = 0; i < rows; i++) {
            split[i] = java.util.Arrays.copyOfRange(features, i * width, (i + 1) * width);
        }
        float[][] codes = latent(split);
        for (int i = 0; i < rows; i++) {
            if (codes[i] == null || codes[i].length != l) {
                throw new ScorerContractException("scorer returned a latent code of the wrong width for row " + i);
            }
            System.arraycopy(codes[i], 0, latent, i * l, l);
        }
    }
}
