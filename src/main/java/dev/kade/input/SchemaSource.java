package dev.kade.input;

import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * Avro writer schemas by id: {@link RegistrySchemas} (bounded cache, bounded retries, failure memory; the policy is
 * documented there) with a parser that accepts Avro schemas only. Thread-safe: stream threads share one source.
 */
public final class SchemaSource {
    private final RegistrySchemas<Schema> schemas;

    public SchemaSource(RegistrySchemas.Fetcher fetcher, RegistrySettings settings) {
        this.schemas = new RegistrySchemas<>(fetcher, SchemaSource::parse, Objects.requireNonNull(settings, "settings"));
    }

    /** The writer schema registered under {@code id}. */
    public Schema schema(int id) throws DecodeException {
        return schemas.schema(id);
    }

    /** Schemas held now (for tests and the cache bound). */
    public int cached() {
        return schemas.cached();
    }

    private static Schema parse(int id, SchemaRegistryClient.RegisteredSchema r) throws DecodeException {
        if (!"AVRO".equalsIgnoreCase(r.type())) {
            throw new DecodeException(InputError.UNKNOWN_SCHEMA, "schema " + id + " is " + r.type()
                    + ", and input.format=avro reads Avro schemas only");
        }
        try {
            return new Schema.Parser().parse(r.schema());
        } catch (AvroRuntimeException | IllegalArgumentException e) {
            throw new DecodeException(InputError.UNKNOWN_SCHEMA, "schema " + id + " does not parse as Avro: " + e.getMessage());
        }
    }
}
