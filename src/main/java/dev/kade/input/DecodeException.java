package dev.kade.input;

import java.util.Objects;

/** An input value that cannot be read as a record: the reason ({@link InputError}) and a detail for the dead letter. */
public final class DecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final InputError error;

    public DecodeException(InputError error, String message) {
        super(message);
        this.error = Objects.requireNonNull(error, "error");
    }

    public InputError error() {
        return error;
    }
}
