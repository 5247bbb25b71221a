package dev.kade.train;

import dev.kade.model.ScoreDistribution;
import java.util.Arrays;
import java.util.Objects;

/**
 * Per-feature affine scaling {@code z = (x − center) / scale}, fitted on the training split only and
 * exported into the graph as {@code Sub} and {@code Div}. Values are held in float32, exactly as the ONNX
 * graph holds them, so that the Java forward pass and ONNX Runtime compute with the same constants.
 *
 * <p>{@link Scaling#STANDARD}: mean and standard deviation. {@link Scaling#ROBUST}: median and
 * interquartile range / 1.349 (equal to the standard deviation for a normal distribution). A feature
 * whose spread is zero in training gets scale 1 (as scikit-learn does), so it neither divides by zero
 * nor explodes on tiny deviations. {@link Scaling#NONE}: centre 0 and scale 1, for inputs that are already on one
 * scale (a windowed model's per-entity normalised values).
 */
public record Standardizer(float[] center, float[] scale) {

    /** How centre and spread are estimated. */
    public enum Scaling { STANDARD, ROBUST, NONE }

    public Standardizer {
        Objects.requireNonNull(center, "center");
        Objects.requireNonNull(scale, "scale");
        if (center.length != scale.length) {
            throw new IllegalArgumentException("center has " + center.length + " values, scale " + scale.length);
        }
        for (float s : scale) {
            if (!(s > 0) || !Float.isFinite(s)) {
                throw new IllegalArgumentException("scale values must be positive and finite: " + Arrays.toString(scale));
            }
        }
        center = center.clone();
        scale = scale.clone();
    }

    /** Fits on {@code rows[i]} for the given row indices. */
    public static Standardizer fit(float[][] rows, int[] indices, Scaling scaling) {
        int f = rows[indices[0]].length;
        float[] center = new float[f];
        float[] scale = new float[f];
        if (scaling == Scaling.NONE) {
            Arrays.fill(scale, 1f);
            return new Standardizer(center, scale);
        }
        double[] column = new double[indices.length];
        for (int j = 0; j < f; j++) {
            for (int i = 0; i < indices.length; i++) {
                column[i] = rows[indices[i]][j];
            }
            double c;
            double s;
            if (scaling == Scaling.ROBUST) {
                double[] sorted = column.clone();
                Arrays.sort(sorted);
                c = ScoreDistribution.quantile(sorted, 0.5);
                s = (ScoreDistribution.quantile(sorted, 0.75) - ScoreDistribution.quantile(sorted, 0.25)) / 1.349;
                if (!(s > 1e-12)) {
                    s = std(column, mean(column));
                }
            } else {
                c = mean(column);
                s = std(column, c);
            }
            center[j] = (float) c;
            scale[j] = s > 1e-12 ? (float) s : 1f;
        }
        return new Standardizer(center, scale);
    }

    public int width() {
        return center.length;
    }

    /** Standardises {@code row} into {@code out[offset..offset+width)}. */
    public void apply(float[] row, double[] out, int offset) {
        for (int j = 0; j < center.length; j++) {
            out[offset + j] = ((double) row[j] - center[j]) / scale[j];
        }
    }

    /**
     * Back to raw units, {@code x̂·scale + center}, for {@code n} standardised rows (row-major), rounding each
     * standardised value to float32 first as the ONNX graph holds it.
     */
    public float[][] unapply(double[] standardised, int n) {
        int f = center.length;
        float[][] out = new float[n][f];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < f; j++) {
                out[i][j] = (float) ((double) (float) standardised[i * f + j] * scale[j] + center[j]);
            }
        }
        return out;
    }

    @Override
    public float[] center() {
        return center.clone();
    }

    @Override
    public float[] scale() {
        return scale.clone();
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }

    private static double std(double[] v, double mean) {
        double s = 0;
        for (double d : v) {
            s += (d - mean) * (d - mean);
        }
        return Math.sqrt(s / v.length);
    }


    @Override
    public boolean equals(Object o) {
        return o instanceof Standardizer s && Arrays.equals(center, s.center) && Arrays.equals(scale, s.scale);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(center) + Arrays.hashCode(scale);
    }

    @Override
    public String toString() {
        return "Standardizer[center=" + Arrays.toString(center) + ", scale=" + Arrays.toString(scale) + "]";
    }
}
