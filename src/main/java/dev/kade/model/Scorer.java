package dev.kade.model;

/**
 * Scores rows of raw feature values, in the order {@link ModelMetadata#features()} names them.
 *
 * <p>A <em>windowed</em> model ({@link #window()} ≥ 2, metadata {@code kade.window}) scores each record together
 * with its entity's previous W − 1 records instead: the stream calls {@link #scoreWindows}, not {@link #score}.
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
     * Steps W per window: 1 for a per-record model (served by {@link #score}), W ≥ 2 for a windowed model (served
     * by {@link #scoreWindows}). The metadata's {@link ModelMetadata#window()}.
     */
    default int window() {
        return metadata().window();
    }

    /**
     * Whether this windowed model reads its entities' running statistics (ONNX input {@code entity_stats}
     * [N,2,F]): then {@link #scoreWindows} needs {@code stats}; otherwise (a third-party model that normalises on
     * its own, or a per-record model) the stream need not keep or pass them. The default: whether the metadata
     * names a per-entity normalisation ({@code kade.series.stats} other than {@code none}).
     */
    default boolean takesEntityStats() {
        return metadata().series().map(s -> s.normalisation() != dev.kade.series.Normalisation.NONE).orElse(false);
    }

    /**
     * Scores {@code rows} windows of a windowed model, one per record being scored, without reconstruction:
     * {@link #scoreWindows(float[], float[], int, float[], float[], float[])} with {@code reconstruction} null.
     */
    default void scoreWindows(float[] windows, float[] stats, int rows, float[] score, float[] featureErrors) {
        scoreWindows(windows, stats, rows, score, featureErrors, null);
    }

    /**
     * Scores {@code rows} windows of a windowed model, one per record being scored: the stream's batch path for
     * windowed models. With W = {@link #window()} and F = {@code metadata().features().size()}, all arrays
     * row-major and owned (and reused) by the caller; only the first {@code rows} rows of each are read or written:
     *
     * <ul>
     *   <li>{@code windows}, at least rows·W·F values: row i's step t, feature j at {@code (i·W + t)·F + j}, raw
     *       values, oldest step first; step W − 1 is the record being scored (its entity's window as of that
     *       record, {@link dev.kade.series.EntityWindow#copyTo} after adding it);</li>
     *   <li>{@code stats}, at least rows·2·F values, or null: row i's entity mean of feature j at
     *       {@code 2·i·F + j} and its scale at {@code (2·i + 1)·F + j}, as
     *       {@link dev.kade.series.EntityStats#writeMeanScale} writes them BEFORE the scored record is added.
     *       Required when {@link #takesEntityStats()}; ignored (may be null) otherwise;</li>
     *   <li>{@code score}, at least rows values: receives row i's score at i (higher = more anomalous);</li>
     *   <li>{@code featureErrors}, at least rows·F values: receives row i's error of feature j (over the
     *       window's steps) at {@code i·F + j};</li>
     *   <li>{@code reconstruction}, null or at least rows·W·F values: receives, laid out as {@code windows}, the
     *       model's reconstruction of the window in raw units (the expected values). Only when
     *       {@link #hasReconstruction()}; pass null when it is not needed (cheaper).</li>
     * </ul>
     *
     * <p>Rows are independent: a batch may hold several windows of one entity, each as of its own record.
     *
     * @throws UnsupportedOperationException for a per-record model ({@link #window()} = 1), or when
     *                                       {@code reconstruction} is given and {@link #hasReconstruction()} is false
     * @throws IllegalArgumentException      when an array is too small for {@code rows}, or {@code stats} is null
     *                                       and the model takes entity statistics
     */
    default void scoreWindows(float[] windows, float[] stats, int rows, float[] score, float[] featureErrors,
                              float[] reconstruction) {
        throw new UnsupportedOperationException("model " + metadata().version() + (window() == 1
                ? " is a per-record model (no " + dev.kade.series.SeriesSpec.KEY_WINDOW + "); score it with score()"
                : " does not implement scoreWindows"));
    }

    /**
     * Checks the arrays of a {@link #scoreWindows} call to {@code model} against {@code rows}, W and F (for
     * implementations).
     *
     * @throws IllegalArgumentException naming the array that is too small, or the missing statistics
     */
    static void checkWindowArrays(Scorer model, float[] windows, float[] stats, int rows, float[] score,
                                  float[] featureErrors, float[] reconstruction) {
        int w = model.window();
        int f = model.metadata().features().size();
        java.util.Objects.requireNonNull(windows, "windows");
        java.util.Objects.requireNonNull(score, "score");
        java.util.Objects.requireNonNull(featureErrors, "featureErrors");
        if (rows < 0 || windows.length < (long) rows * w * f || score.length < rows || featureErrors.length < (long) rows * f
                || (reconstruction != null && reconstruction.length < (long) rows * w * f)) {
            throw new IllegalArgumentException(rows + " windows of " + w + " x " + f + " do not fit arrays of " + windows.length
                    + " (windows), " + score.length + " (score), " + featureErrors.length + " (featureErrors)"
                    + (reconstruction == null ? "" : " and " + reconstruction.length + " (reconstruction)"));
        }
        if (model.takesEntityStats()) {
            if (stats == null) {
                throw new IllegalArgumentException("model " + model.metadata().version() + " takes entity_stats: pass each "
                        + "row's entity mean and scale");
            }
            if (stats.length < (long) rows * 2 * f) {
                throw new IllegalArgumentException(rows + " rows of entity statistics (2 x " + f + ") do not fit "
                        + stats.length + " values");
            }
        }
    }

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
