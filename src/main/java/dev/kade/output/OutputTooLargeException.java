package dev.kade.output;

/** An output that does not fit {@link OutputLimits} even when truncated; the record becomes a dead letter. */
public final class OutputTooLargeException extends Exception {
    private static final long serialVersionUID = 1L;

    public OutputTooLargeException(String message) {
        super(message);
    }
}
