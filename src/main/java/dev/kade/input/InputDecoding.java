package dev.kade.input;

/**
 * How a topology reads input values ({@code input.format}): a factory of per-task {@link RecordDecoder}s over
 * what they share (for Avro, the schema cache and the registry client). Thread-safe; closed by whoever built it
 * once the topology is closed.
 */
public interface InputDecoding extends AutoCloseable {
    /** JSON input: values are handed to the feature reader as they are. */
    InputDecoding JSON = new InputDecoding() {
        @Override
        public RecordDecoder newDecoder() {
            return null;
        }

        @Override
        public String format() {
            return "json";
        }
    };

    /** A decoder for one task; null for JSON, whose values need none (the stream then does no work for it). */
    RecordDecoder newDecoder();

    /** The {@code input.format} label. */
    String format();

    @Override
    default void close() {
    }
}
