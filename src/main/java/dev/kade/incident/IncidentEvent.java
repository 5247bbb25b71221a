package dev.kade.incident;

import java.util.Locale;
import java.util.Objects;

/**
 * One event of an incident, as the alert topic gets it ({@link IncidentWriter} renders it).
 *
 * @param kind       opened, updated or resolved
 * @param incident   the incident as of this event
 * @param at         event time of the event, epoch milliseconds: the first anomaly for opened, the anomaly that
 *                   triggered an update, the stream time at which a resolution was decided
 * @param resolution why it was resolved; null unless {@code kind} is {@link Kind#RESOLVED}
 */
public record IncidentEvent(Kind kind, IncidentState incident, long at, Resolution resolution) {
    /** The closed set of events. */
    public enum Kind {
        OPENED, UPDATED, RESOLVED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public IncidentEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(incident, "incident");
        if ((kind == Kind.RESOLVED) != (resolution != null)) {
            throw new IllegalArgumentException("a resolution belongs to resolved events only: " + kind + " " + resolution);
        }
    }
}
