package dev.kade.input;

import java.util.Objects;

/**
 * {@code input.format=avro}: values in the schema-registry wire format, Avro payloads, writer schemas fetched by id
 * from a Confluent-compatible registry API. Shares one {@link SchemaSource} (cache, retries, failure memory) across
 * the stream threads; each task gets its own {@link AvroDecoder}.
 */
public final class AvroInput implements InputDecoding {
    private final SchemaSource schemas;

    public AvroInput(SchemaSource schemas) {
        this.schemas = Objects.requireNonNull(schemas, "schemas");
    }

    /** Avro input from the registry that {@code settings} name. */
    public static AvroInput fromRegistry(RegistrySettings settings) {
        return new AvroInput(new SchemaSource(new SchemaRegistryClient(settings)::fetch, settings));
    }

    @Override
    public RecordDecoder newDecoder() {
        return new AvroDecoder(schemas);
    }

    @Override
    public String format() {
        return "avro";
    }

    public SchemaSource schemas() {
        return schemas;
    }
}
