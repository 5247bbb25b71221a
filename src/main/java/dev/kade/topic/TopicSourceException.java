package dev.kade.topic;

/** A topic backtest's range cannot be read: no such topic or partition, no cluster, or no progress. Names what failed. */
public final class TopicSourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TopicSourceException(String message) {
        super(message);
    }

    public TopicSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
