package dev.kade.testing;

import dev.kade.input.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Avro records as a producer's registry serializer writes them (wire format: magic byte, schema id, Avro binary),
 * for the test model's features: {@code cpu} (double), {@code memory} (a nested record with {@code used}),
 * {@code latency_ms} (a union of null and double) and {@code host} (string).
 */
public final class AvroRecords {
    public static final String SCHEMA = """
            {"type": "record", "name": "Metric", "namespace": "dev.kade.test", "fields": [
              {"name": "cpu", "type": "double"},
              {"name": "memory", "type": {"type": "record", "name": "Memory", "fields": [{"name": "used", "type": "double"}]}},
              {"name": "latency_ms", "type": ["null", "double"], "default": null},
              {"name": "host", "type": "string"}
            ]}""";
    public static final Schema METRIC = new Schema.Parser().parse(SCHEMA);

    private AvroRecords() {
    }

    /** A metric record; {@code latencyMs} null for the union's null branch. */
    public static GenericRecord metric(double cpu, double memoryUsed, Double latencyMs, String host) {
        GenericRecord memory = new GenericData.Record(METRIC.getField("memory").schema());
        memory.put("used", memoryUsed);
        GenericRecord r = new GenericData.Record(METRIC);
        r.put("cpu", cpu);
        r.put("memory", memory);
        r.put("latency_ms", latencyMs);
        r.put("host", host);
        return r;
    }

    /** The record in the wire format under {@code schemaId}. */
    public static byte[] framed(int schemaId, GenericRecord record) {
        return WireFormat.frame(schemaId, binary(record));
    }

    /** The record's Avro binary encoding (no header). */
    public static byte[] binary(GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, enc);
            enc.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
