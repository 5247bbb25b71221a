package dev.kade.input;

import java.util.Arrays;

/**
 * {@code input.format=json_schema}: JSON payloads in the schema-registry wire format, as a JSON Schema serializer
 * (Confluent's {@code KafkaJsonSchemaSerializer}, Apicurio's with its Confluent-compatible id handler) writes them:
 * the 5-byte header (magic byte 0, schema id) is checked and dropped, and the JSON object after it is read as any
 * JSON record. The schema is not fetched: the producer's serializer validated the record against it, and kade reads
 * features by name, not by schema (a missing or non-numeric feature is a dead letter with its reason, as for JSON).
 */
public final class JsonSchemaInput implements InputDecoding {
    public static final JsonSchemaInput INSTANCE = new JsonSchemaInput();

    private JsonSchemaInput() {
    }

    @Override
    public RecordDecoder newDecoder() {
        return value -> {
            WireFormat.schemaId(value);
            return Arrays.copyOfRange(value, WireFormat.PAYLOAD_OFFSET, value.length);
        };
    }

    @Override
    public String format() {
        return "json_schema";
    }
}
