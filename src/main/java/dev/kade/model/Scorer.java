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
}
