package dev.kade.input;

import java.util.List;
import java.util.Objects;

/**
 * The {@code input.format} values and the decoding each means, for every reader of input records: the stream (through
 * {@code StreamsSetup}) and {@code kade train --from-topic}, so that a model is trained on a topic sample decoded by
 * exactly the decoders that will read the topic when it is scored.
 */
public final class InputFormats {
    /** The formats, as {@code input.format} and {@code --input-format} spell them. */
    public static final List<String> NAMES = List.of("json", "avro", "protobuf", "json_schema");

    private InputFormats() {
    }

    /** Whether {@code format} fetches schemas from a registry (and so needs its URL). */
    public static boolean needsRegistry(String format) {
        return "avro".equals(format) || "protobuf".equals(format);
    }

    /**
     * The decoding of {@code format}; {@code registry} is used by the formats that fetch schemas and may be null for
     * the others.
     *
     * @throws IllegalArgumentException for an unknown format, or a registry format without a registry
     */
    public static InputDecoding decoding(String format, RegistrySettings registry) {
        Objects.requireNonNull(format, "format");
        if (needsRegistry(format) && registry == null) {
            throw new IllegalArgumentException("input format " + format + " needs a schema registry URL");
        }
        return switch (format) {
            case "json" -> InputDecoding.JSON;
            case "json_schema" -> JsonSchemaInput.INSTANCE;
            case "avro" -> AvroInput.fromRegistry(registry);
            case "protobuf" -> ProtobufInput.fromRegistry(registry);
            default -> throw new IllegalArgumentException("unknown input format '" + format + "', expected one of " + NAMES);
        };
    }
}
