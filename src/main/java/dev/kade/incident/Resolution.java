package dev.kade.incident;

import java.util.Locale;

/** Why an incident was resolved (the {@code resolution} field of a {@code resolved} event). */
public enum Resolution {
    /** No anomaly of the entity for {@code alerts.incident.quiet.ms} of event time. */
    QUIET,
    /** {@code alerts.incident.resolve.normal.records} normal records of the entity in a row. */
    NORMAL_RECORDS;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
