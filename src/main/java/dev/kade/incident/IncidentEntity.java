package dev.kade.incident;

import java.util.Locale;

/**
 * What an incident belongs to when the model has no entities of its own (a per-record model;
 * {@code alerts.incident.entity}). Windowed models always use their entity ({@code entity.fields} or the key).
 *
 * <p>{@link #PARTITION} is the default: a per-record model has no notion of "who", and a partition is the widest
 * unit one task sees in order, so an incident never needs state from another task. {@link #KEY} is for streams
 * keyed by what is monitored (a host, a sensor); records without a key then fall back to their partition.
 */
public enum IncidentEntity {
    PARTITION,
    KEY;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static IncidentEntity ofLabel(String label) {
        return valueOf(label.trim().toUpperCase(Locale.ROOT));
    }
}
