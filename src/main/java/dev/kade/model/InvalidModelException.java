package dev.kade.model;

/** A model file that does not meet the contract; the message says which part and why. */
public class InvalidModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
