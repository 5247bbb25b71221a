package dev.kade.incident;

import java.util.Locale;

/**
 * What the alert topic carries ({@code alerts.mode}). {@link #RECORD} stays the default: consumers written for
 * kade's per-record alert format would break if the topic's format changed under them with an upgrade.
 */
public enum AlertMode {
    /** One alert per anomalous record (the format since the first version). */
    RECORD,
    /** Incident events: opened, updated (rate-limited), resolved. */
    INCIDENT;

    /** The setting's value. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode for a setting's value, case-insensitive. */
    public static AlertMode ofLabel(String label) {
        return valueOf(label.trim().toUpperCase(Locale.ROOT));
    }
}
