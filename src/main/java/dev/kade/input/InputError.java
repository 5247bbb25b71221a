package dev.kade.input;

/**
 * Why an input value could not be turned into the JSON object kade scores: each maps to its own dead-letter
 * reason, so an operator can tell bytes that are not in the wire format from a schema the registry does not
 * have, a registry that did not answer, and bytes that do not decode by their schema.
 */
public enum InputError {
    /** Shorter than 5 bytes, or its first byte is not the wire format's magic byte 0. */
    NOT_WIRE_FORMAT,
    /** The registry answered that it has no schema under the id (404), or the schema is not of the input's format or does not parse. */
    UNKNOWN_SCHEMA,
    /** The registry did not answer usefully (no connection, timeout, 5xx, 401/403, a reply that is not its JSON). */
    SCHEMA_UNAVAILABLE,
    /** The payload does not decode by its writer schema (truncated, corrupt, or bytes left over). */
    UNDECODABLE,
    /**
     * Protobuf only: the message-index array after the header is cut off or corrupt, or names a message the
     * registered {@code .proto} file does not have.
     */
    BAD_MESSAGE_INDEX
}
