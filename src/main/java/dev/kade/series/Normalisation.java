package dev.kade.series;

import java.util.Locale;

/**
 * How an entity's running mean and scale are kept ({@link EntityStats}). A closed set: the mode is written
 * into the model's metadata ({@link SeriesSpec#KEY_STATS}) and the stream rebuilds exactly the statistics the
 * trainer used from it, so a new mode is a contract change.
 */
public enum Normalisation {
    /**
     * Exponentially weighted mean and variance with a half-life in steps; during the first steps (fewer than
     * 1 / α) the weight is 1 / n, so the estimate starts as the plain mean of what was seen instead of being
     * pinned to the first value.
     */
    EWM,
    /** Mean and variance of all steps seen so far (Welford); EWM with an infinite half-life. */
    CUMULATIVE,
    /** No per-entity normalisation: mean 0 and scale 1 for every entity (the graph's division is a no-op). */
    NONE;

    /** The name used in metadata and on the command line: lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a {@link #label()} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Normalisation parse(String s) {
        for (Normalisation n : values()) {
            if (n.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
                return n;
            }
        }
        throw new IllegalArgumentException("unknown normalisation '" + s + "'; expected one of ewm, cumulative, none");
    }
}
