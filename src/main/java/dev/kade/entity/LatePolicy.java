package dev.kade.entity;

import java.util.Locale;

/**
 * What happens to a record older than its entity's last record ({@code series.late}); equal times are in
 * order. Every late record is counted ({@code kade_series_late_total}).
 */
public enum LatePolicy {
    /**
     * Scored with the entity's window as it stands (its newest W−1 steps, then this record) and its statistics
     * and likelihood as they stand, without changing any of them: the window stays in event-time order.
     */
    SCORE,
    /** Sent to the dead-letter topic with reason {@code late_record}. */
    DEAD_LETTER;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
