package dev.kade.output;

import java.util.Objects;

/**
 * The per-entity part of a windowed model's alert: the entity, its likelihood, the window's newest steps next
 * to the model's reconstruction of them, and which step and feature were furthest off. The arrays are views
 * (a batch's rows), not copies.
 *
 * @param score       the entity's fields as on the score record
 * @param window      raw values: this alert's window is W·F values from {@code offset}, oldest step first
 * @param expected    the model's reconstruction laid out as {@code window}, or null when the model gives none
 * @param offset      where the window starts in both arrays
 * @param steps       W
 * @param shownSteps  how many of the newest steps the alert lists (at most W)
 * @param offStep     the step furthest off, counted back from the record (0 = the record, 1 = the one before), or
 *                    -1 when the model gives no reconstruction
 * @param offFeature  the feature furthest off (index into the model's features)
 */
public record SeriesAlert(SeriesScore score, float[] window, float[] expected, int offset, int steps, int shownSteps, int offStep,
                          int offFeature) {
    public SeriesAlert {
        Objects.requireNonNull(score, "score");
        Objects.requireNonNull(window, "window");
        if (steps < 1 || shownSteps < 0 || shownSteps > steps || offStep >= steps || offFeature < 0 || offset < 0) {
            throw new IllegalArgumentException("bad series alert shape: steps=" + steps + " shown=" + shownSteps + " off step="
                    + offStep + " feature=" + offFeature);
        }
    }
}
