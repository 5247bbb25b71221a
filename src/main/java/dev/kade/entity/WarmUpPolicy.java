package dev.kade.entity;

import java.util.Locale;

/**
 * What happens to an entity's records before its window holds W steps ({@code series.warmup}). Either way
 * the record is scored (its missing older steps padded with the oldest step it has) and the score record says
 * {@code warming_up}; what differs is when warming up ends.
 */
public enum WarmUpPolicy {
    /** Warming up until the window is full: no alert, and the likelihood learns nothing from these scores. */
    WAIT,
    /**
     * Warming up only until the window holds {@code series.warmup.min.steps}; from there the padded partial
     * window is scored as a full one (alerts, likelihood), flagged {@code imputed}. For sparse entities that
     * would otherwise warm up for a long time.
     */
    IMPUTE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
