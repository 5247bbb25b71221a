package dev.kade.entity;

import java.util.Locale;

/**
 * What a gap does to an entity's window ({@code series.gap}): a record whose event time is more than
 * {@code series.gap.max.ms} after the entity's last record. Every gap is counted ({@code kade_series_gaps_total}).
 */
public enum GapPolicy {
    /**
     * The window starts again from this record (it warms up again); the entity's statistics and likelihood are
     * kept. The default: a window spanning a gap is not a shape the model was trained on, and imputing values
     * that were never seen would invent one.
     */
    RESTART,
    /** The window carries on as if the steps were consecutive (the trainer's view of its data). */
    CONTINUE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
