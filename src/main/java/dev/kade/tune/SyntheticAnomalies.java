package dev.kade.tune;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Artificial anomalies made from held-out normal rows, so that candidates can be compared without labels.
 *
 * <p>Two kinds, each as many rows as there are held-out rows:
 * <ul>
 *   <li>{@link #permuted}: every column is shuffled on its own. Each column keeps exactly its normal
 *       values (the marginals are unchanged), but the correlations between columns are gone. A model that
 *       has learnt how features go together scores these rows higher than the normal ones; a model that
 *       only learnt each feature's range, or nothing, cannot tell them apart (AUC near 0.5).</li>
 *   <li>{@link #beyondRange}: a copy of a held-out row with one feature pushed outside the range observed
 *       in the rows the candidate was trained on, by 10% to 50% of that range. A network with so much
 *       capacity that it reconstructs any input (close to the identity) gives these rows a low error, so
 *       this kind penalises the capacity that a reconstruction loss alone would reward.</li>
 * </ul>
 *
 * <p>Deterministic: the same rows and seed give the same anomalies. The rows given are not copied or changed.
 */
public final class SyntheticAnomalies {
    /** Least and most distance beyond the observed range, as shares of the range. */
    static final double MIN_PUSH = 0.1;
    static final double MAX_PUSH = 0.5;

    private SyntheticAnomalies() {
    }

    /**
     * {@code normal.length} rows whose column {@code j} is a random permutation of column {@code j} of
     * {@code normal}, with an independent permutation per column.
     */
    public static float[][] permuted(float[][] normal, long seed) {
        int n = requireRows(normal);
        int f = normal[0].length;
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] out = new float[n][f];
        int[] order = new int[n];
        for (int j = 0; j < f; j++) {
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            shuffle(order, rng);
            for (int i = 0; i < n; i++) {
                out[i][j] = normal[order[i]][j];
            }
        }
        return out;
    }

    /**
     * A copy of each row of {@code normal} with one randomly chosen feature moved beyond the range of that
     * feature in {@code observed} (below the minimum or above the maximum, each with probability ½), by a
     * uniform 10% to 50% of the range; a feature with no spread is moved by that share of max(|value|, 1).
     */
    public static float[][] beyondRange(float[][] normal, float[][] observed, long seed) {
        int n = requireRows(normal);
        requireRows(observed);
        int f = normal[0].length;
        if (observed[0].length != f) {
            throw new IllegalArgumentException("observed rows have " + observed[0].length + " features, normal rows " + f);
        }
        float[] min = new float[f];
        float[] max = new float[f];
        java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
        for (float[] r : observed) {
            for (int j = 0; j < f; j++) {
                min[j] = Math.min(min[j], r[j]);
                max[j] = Math.max(max[j], r[j]);
            }
        }
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            float[] row = normal[i].clone();
            int j = rng.nextInt(f);
            double range = (double) max[j] - min[j];
            if (!(range > 0)) {
                range = Math.max(Math.abs((double) max[j]), 1.0);
            }
            double push = range * (MIN_PUSH + (MAX_PUSH - MIN_PUSH) * rng.nextDouble());
            row[j] = (float) (rng.nextBoolean() ? max[j] + push : min[j] - push);
            out[i] = row;
        }
        return out;
    }

    private static int requireRows(float[][] rows) {
        Objects.requireNonNull(rows, "rows");
        if (rows.length == 0) {
            throw new IllegalArgumentException("need at least one row");
        }
        return rows.length;
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int k = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[k];
            a[k] = t;
        }
    }
}
