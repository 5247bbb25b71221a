package dev.kade.entity;

/** A record's event time could not be read; the record goes to the dead-letter topic ({@code bad_time}). */
public final class EventTimeException extends Exception {
    private static final long serialVersionUID = 1L;

    public EventTimeException(String message) {
        super(message);
    }
}
