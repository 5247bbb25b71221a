package dev.kade.incident;

import java.util.Locale;

/** How incident events are rendered on the alert topic ({@code alerts.incident.format}). */
public enum IncidentFormat {
    /** kade's incident event (docs/output-formats.md "Incident events"). */
    KADE,
    /** One Alertmanager alert object (labels, annotations, startsAt, endsAt, generatorURL), for a Kafka-to-HTTP bridge. */
    ALERTMANAGER;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static IncidentFormat ofLabel(String label) {
        return valueOf(label.trim().toUpperCase(Locale.ROOT));
    }
}
