package dev.kade.stream;

import dev.kade.input.DecodeException;
import dev.kade.input.InputDecoding;
import dev.kade.input.InputError;
import dev.kade.input.RecordDecoder;
import dev.kade.output.DeadLetterReason;

/**
 * The first step of a record in a task when {@code input.format} is not JSON: its value decoded to the JSON object
 * the feature reader reads, before the record is buffered, so that features, entity fields and carried fields are
 * found in an Avro record exactly as in a JSON one. A null or empty value is left as it is (the reader then
 * dead-letters it as {@code empty_value}, as for JSON). One per processor; not thread-safe.
 */
final class DecodeStep {
    private final RecordDecoder decoder;

    DecodeStep(InputDecoding input) {
        this.decoder = input.newDecoder();
    }

    /** Whether values are decoded at all (false for JSON input: the stream then does nothing here). */
    boolean active() {
        return decoder != null;
    }

    /** The value as JSON. */
    byte[] decode(byte[] value) throws DecodeException {
        if (value == null || value.length == 0) {
            return value;
        }
        return decoder.toJson(value);
    }

    /** The dead-letter reason of an input error. */
    static DeadLetterReason reason(InputError error) {
        return switch (error) {
            case NOT_WIRE_FORMAT -> DeadLetterReason.NOT_WIRE_FORMAT;
            case UNKNOWN_SCHEMA -> DeadLetterReason.UNKNOWN_SCHEMA;
            case SCHEMA_UNAVAILABLE -> DeadLetterReason.SCHEMA_UNAVAILABLE;
            case UNDECODABLE -> DeadLetterReason.UNDECODABLE;
            case BAD_MESSAGE_INDEX -> DeadLetterReason.BAD_MESSAGE_INDEX;
        };
    }
}
