package dev.kade.series;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The training windows a {@link WindowBuilder} made: for each window, its W·F raw values (row-major [W][F],
 * oldest step first, the scored step last) and its entity's mean and scale ([2][F]) as they stood before the
 * scored step was added, exactly what the stream feeds a windowed model as {@code features} and
 * {@code entity_stats}. Arrays are not copied; treat them as read-only.
 *
 * @param spec     the window shape and normalisation they were built with
 * @param windows  raw values, one array of W·F per window
 * @param stats    mean then scale, one array of 2·F per window
 * @param entity   index into {@code entities} of each window's entity
 * @param entities entity names, in order of first appearance in the data
 */
public record SeriesWindows(SeriesSpec spec, float[][] windows, float[][] stats, int[] entity, List<String> entities) {

    public SeriesWindows {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(windows, "windows");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(entity, "entity");
        entities = List.copyOf(entities);
        if (stats.length != windows.length || entity.length != windows.length) {
            throw new IllegalArgumentException(windows.length + " windows, " + stats.length + " stats, "
                    + entity.length + " entity indices");
        }
    }

    public int size() {
        return windows.length;
    }

    /**
     * Window {@code i} in normalised units ({@link SeriesSpec#normalise} per value), so the trainer's rows are bit
     * for bit what the served graph feeds its network.
     */
    public float[] normalised(int i) {
        return normalise(spec, windows[i], stats[i]);
    }

    /** Every window in normalised units ({@link #normalised(int)}). */
    public float[][] normalised() {
        float[][] out = new float[windows.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = normalised(i);
        }
        return out;
    }

    /**
     * One raw window of W·F values in normalised units, given its 2·F statistics (means, then scales):
     * {@link SeriesSpec#normalise} per value.
     */
    public static float[] normalise(SeriesSpec spec, float[] window, float[] meanScale) {
        int features = spec.features();
        float[] z = new float[window.length];
        for (int k = 0; k < window.length; k++) {
            int j = k % features;
            z[k] = spec.normalise(window[k], meanScale[j], meanScale[features + j]);
        }
        return z;
    }

    /**
     * Names of the W·F columns of a flattened window, {@code name@-k} for the step k steps before the scored
     * one ({@code name@0}), oldest first, features in their order within a step.
     */
    public static List<String> flatNames(List<String> features, int window) {
        List<String> out = new ArrayList<>(features.size() * window);
        for (int t = window - 1; t >= 0; t--) {
            for (String f : features) {
                out.add(f + "@" + (t == 0 ? "0" : "-" + t));
            }
        }
        return out;
    }
}
