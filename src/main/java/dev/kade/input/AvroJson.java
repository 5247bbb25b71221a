package dev.kade.input;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

/**
 * Writes an Avro datum as the plain JSON object kade's feature reader reads, so that an Avro record's features
 * are named exactly as a JSON record's are (docs/input-formats.md "From Avro fields to features"):
 * <ul>
 *   <li>a record is an object, a nested record a nested object: field {@code used} of record field {@code memory}
 *       is feature {@code memory.used};</li>
 *   <li>a union is the value of its branch, without Avro's JSON-encoding wrapper ({@code {"double": 0.5}} would
 *       hide the number): {@code ["null","double"]} is a number or {@code null} (a null feature is
 *       {@code missing_feature});</li>
 *   <li>int, long, float, double are numbers (NaN and infinities are written as the strings Jackson uses, which the
 *       reader refuses as {@code non_finite}); a {@code decimal} (bytes or fixed) is its exact decimal number;
 *       other logical types are their underlying number ({@code timestamp-millis} is epoch milliseconds);</li>
 *   <li>string and enum are strings (a string holding a number is a feature as in JSON); boolean, null as JSON;
 *       bytes and fixed without a logical type are base64 strings; arrays are arrays and maps objects (neither is a
 *       feature, as in JSON).</li>
 * </ul>
 * Stateless; thread-safe.
 */
final class AvroJson {
    private AvroJson() {
    }

    static void write(Object datum, Schema schema, JsonGenerator g) throws IOException {
        switch (schema.getType()) {
            case RECORD -> {
                IndexedRecord r = (IndexedRecord) datum;
                g.writeStartObject();
                for (Schema.Field f : schema.getFields()) {
                    g.writeFieldName(f.name());
                    write(r.get(f.pos()), f.schema(), g);
                }
                g.writeEndObject();
            }
            case UNION -> write(datum, schema.getTypes().get(GenericData.get().resolveUnion(schema, datum)), g);
            case ARRAY -> {
                g.writeStartArray();
                for (Object e : (Collection<?>) datum) {
                    write(e, schema.getElementType(), g);
                }
                g.writeEndArray();
            }
            case MAP -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) datum).entrySet()) {
                    g.writeFieldName(e.getKey().toString());
                    write(e.getValue(), schema.getValueType(), g);
                }
                g.writeEndObject();
            }
            case STRING, ENUM -> g.writeString(datum.toString());
            case BYTES -> writeBytes(bytes((ByteBuffer) datum), schema, g);
            case FIXED -> writeBytes(((GenericFixed) datum).bytes(), schema, g);
            case INT -> g.writeNumber((Integer) datum);
            case LONG -> g.writeNumber((Long) datum);
            case FLOAT -> g.writeNumber((Float) datum);
            case DOUBLE -> g.writeNumber((Double) datum);
            case BOOLEAN -> g.writeBoolean((Boolean) datum);
            case NULL -> g.writeNull();
        }
    }

    private static void writeBytes(byte[] b, Schema schema, JsonGenerator g) throws IOException {
        LogicalType lt = schema.getLogicalType();
        if (lt instanceof LogicalTypes.Decimal d) {
            g.writeNumber(new BigDecimal(new BigInteger(b), d.getScale()));
        } else {
            g.writeString(Base64.getEncoder().encodeToString(b));
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
