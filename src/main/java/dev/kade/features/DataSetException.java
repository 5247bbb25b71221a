package dev.kade.features;

/** A data file that cannot be read as a data set; the message names file, line and, where known, column. */
public final class DataSetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataSetException(String message) {
        super(message);
    }

    public DataSetException(String message, Throwable cause) {
        super(message, cause);
    }
}
