package dev.kade.model;

/**
 * A {@link Scorer} returned results that break its contract (wrong number of rows or feature errors):
 * a bug in the scorer, not a failure on the record at hand. The stream dead-letters the rows it hits as
 * {@code processing_error}, not {@code scoring_failed}, and goes on.
 */
public final class ScorerContractException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ScorerContractException(String message) {
        super(message);
    }
}
