package dev.kade.series;

import java.util.Objects;

/**
 * One row of long-format series data: an entity, its time step and F feature values.
 *
 * @param entity the entity the row belongs to
 * @param time   orders the entity's rows (epoch millis, or the row's position in the file when the data has
 *               no time column); rows of one entity with equal times keep their file order
 * @param values the F feature values, not copied
 */
public record SeriesRow(String entity, long time, float[] values) {
    public SeriesRow {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(values, "values");
    }
}
