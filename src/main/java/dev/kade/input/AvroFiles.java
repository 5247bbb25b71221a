package dev.kade.input;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;

/**
 * Avro object container files (the {@code .avro} files Avro tools, Spark and Kafka Connect sinks write) as the JSON
 * objects kade's trainer reads, record by record, mapped as the stream maps wire-format records ({@link AvroJson}),
 * so a model trained on such a file names its features as the stream will find them in Avro input.
 */
public final class AvroFiles {
    private static final JsonFactory JSON = new JsonFactory();

    private AvroFiles() {
    }

    /**
     * Hands each record of a container file to {@code record} as JSON object bytes, in file order.
     *
     * @throws IOException when the stream is not an Avro container file or a block does not decode
     */
    public static void forEach(InputStream in, Consumer<byte[]> record) throws IOException {
        try (DataFileStream<Object> file = new DataFileStream<>(in, new GenericDatumReader<>())) {
            Schema schema = file.getSchema();
            if (schema.getType() != Schema.Type.RECORD) {
                throw new IOException("the file's schema is a " + schema.getType().getName() + ", not a record");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            Object datum = null;
            while (file.hasNext()) {
                datum = file.next(datum);
                out.reset();
                try (JsonGenerator g = JSON.createGenerator(out)) {
                    AvroJson.write(datum, schema, g);
                }
                record.accept(out.toByteArray());
            }
        } catch (AvroRuntimeException e) {
            throw new IOException("not a readable Avro container file: " + e.getMessage(), e);
        }
    }
}
