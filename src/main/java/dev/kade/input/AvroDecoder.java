package dev.kade.input;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * One task's Avro reader: wire-format header, writer schema by id from the shared {@link SchemaSource}, the payload
 * decoded by that schema (no reader schema: features are named by the writer's fields), and the datum written as
 * JSON ({@link AvroJson}). Reuses its binary decoder, its datum readers and its output buffer; not thread-safe.
 */
final class AvroDecoder implements RecordDecoder {
    private static final JsonFactory JSON = new JsonFactory();
    /** Datum readers kept per task; more distinct writer schemas than this at once just rebuild readers. */
    private static final int MAX_READERS = 64;

    private final SchemaSource schemas;
    private final Map<Schema, GenericDatumReader<Object>> readers = new IdentityHashMap<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    private BinaryDecoder decoder;

    AvroDecoder(SchemaSource schemas) {
        this.schemas = Objects.requireNonNull(schemas, "schemas");
    }

    @Override
    public byte[] toJson(byte[] value) throws DecodeException {
        int id = WireFormat.schemaId(value);
        Schema schema = schemas.schema(id);
        if (schema.getType() != Schema.Type.RECORD) {
            throw new DecodeException(InputError.UNKNOWN_SCHEMA, "schema " + id + " is a " + schema.getType().getName()
                    + ", not a record: kade scores records (objects of named fields)");
        }
        Object datum;
        try {
            decoder = DecoderFactory.get().binaryDecoder(value, WireFormat.PAYLOAD_OFFSET,
                    value.length - WireFormat.PAYLOAD_OFFSET, decoder);
            datum = reader(schema).read(null, decoder);
            if (!decoder.isEnd()) {
                throw new DecodeException(InputError.UNDECODABLE, "payload has bytes left over after a datum of schema " + id);
            }
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                 | ClassCastException e) {
            throw new DecodeException(InputError.UNDECODABLE, "payload does not decode by schema " + id + ": " + e);
        } catch (OutOfMemoryError e) {
            // a corrupt length prefix can ask for a huge array: that is this record's fault, not the JVM's state
            throw new DecodeException(InputError.UNDECODABLE, "payload names a length larger than memory under schema " + id);
        }
        out.reset();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            AvroJson.write(datum, schema, g);
        } catch (IOException | RuntimeException e) {
            throw new DecodeException(InputError.UNDECODABLE, "datum of schema " + id + " cannot be written as JSON: " + e);
        }
        return out.toByteArray();
    }

    private GenericDatumReader<Object> reader(Schema schema) {
        GenericDatumReader<Object> r = readers.get(schema);
        if (r == null) {
            if (readers.size() >= MAX_READERS) {
                readers.clear();
            }
            r = new GenericDatumReader<>(schema);
            readers.put(schema, r);
        }
        return r;
    }
}
