package dev.kade.input;

import java.util.Objects;

/**
 * {@code input.format=protobuf}: values in Confluent's Protobuf wire format (magic byte 0, 4-byte schema id, the
 * message-index array, the payload), {@code .proto} files fetched by id from a Confluent-compatible registry API and
 * parsed at run time. Shares one {@link RegistrySchemas} (cache, retries, failure memory, as for Avro) across the
 * stream threads; each task gets its own {@link ProtobufDecoder}.
 */
public final class ProtobufInput implements InputDecoding {
    private final RegistrySchemas<ProtobufSchemaFile> schemas;

    public ProtobufInput(RegistrySchemas<ProtobufSchemaFile> schemas) {
        this.schemas = Objects.requireNonNull(schemas, "schemas");
    }

    /** Protobuf input from the registry that {@code settings} name. */
    public static ProtobufInput fromRegistry(RegistrySettings settings) {
        return new ProtobufInput(new RegistrySchemas<>(new SchemaRegistryClient(settings)::fetch, ProtobufSchemaFile::parse,
                settings));
    }

    @Override
    public RecordDecoder newDecoder() {
        return new ProtobufDecoder(schemas);
    }

    @Override
    public String format() {
        return "protobuf";
    }

    /** The shared schema cache (for tests: how many files were fetched). */
    public RegistrySchemas<ProtobufSchemaFile> schemas() {
        return schemas;
    }
}
