package dev.kade.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.kade.stream.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The least a Kafka Streams app that scores JSON records does per record, written the usual way with the well-kept
 * library, as a reference beside the pass-through in the per-record stream benchmark ({@code --json-reference}): parse
 * the record's JSON object with Jackson's streaming parser, take the named features into a {@code float[]}, compute a
 * stand-in score (the mean square of the features: no model), and write a score record with the fields of kade's
 * ({@code score}, {@code threshold}, {@code anomaly}, {@code percentile}, {@code model_version} and the input's
 * {@code source}) with Jackson's generator, one output per input. Jackson's fast float reader and writer are on, as in
 * kade.
 *
 * <p>The benchmark gives its producer lz4, as kade's scorer has by default, so that both write their records the same
 * way; the pass-through keeps Kafka's default (no compression).
 *
 * <p>No model, no batching, no metrics of its own, no drift, no alerts, no dead letters: a record it cannot read is
 * copied to the output unchanged, so that the benchmark's output count stays the input count (the benchmark's inputs
 * are all readable). What kade costs above this app is what it does beyond reading features and writing a record;
 * what this app costs above the pass-through is the price of JSON in and JSON out on Kafka Streams.
 */
final class JsonScoreReference {
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
    static final double THRESHOLD = 1.0;
    static final String MODEL_VERSION = "reference";

    private JsonScoreReference() {
    }

    static Topology topology(Topics topics, List<String> features) {
        var bytesIn = Topics.SERDE.deserializer();
        var bytesOut = Topics.SERDE.serializer();
        Topology t = new Topology();
        t.addSource("source", bytesIn, bytesIn, topics.input().toArray(String[]::new));
        t.addProcessor("score", () -> new ScoreProcessor(features), "source");
        t.addSink("sink", topics.alerts(), bytesOut, bytesOut, "score");
        return t;
    }

    private static final class ScoreProcessor implements Processor<byte[], byte[], byte[], byte[]> {
        private final Map<String, Integer> index = new HashMap<>();
        private final float[] row;
        private final ByteArrayBuilder out = new ByteArrayBuilder(256);
        private ProcessorContext<byte[], byte[]> context;

        ScoreProcessor(List<String> features) {
            for (int i = 0; i < features.size(); i++) {
                index.put(features.get(i), i);
            }
            row = new float[features.size()];
        }

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            byte[] value = record.value();
            if (value == null || !read(value, index, row)) {
                context.forward(record);
                return;
            }
            var meta = context.recordMetadata().orElseThrow();
            context.forward(record.withValue(write(row, meta.topic(), meta.partition(), meta.offset(), out)));
        }
    }

    /** Reads the named features of one JSON object into {@code row}; false when it is not one or a feature is missing. */
    static boolean read(byte[] value, Map<String, Integer> index, float[] row) {
        int found = 0;
        try (JsonParser p = JSON.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                Integer i = index.get(p.currentName());
                JsonToken t = p.nextToken();
                if (i != null && (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT)) {
                    row[i] = p.getFloatValue();
                    found++;
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return false;
        }
        return found == row.length;
    }

    /** The score record of {@code row}, read from {@code topic}/{@code partition}/{@code offset}. */
    static byte[] write(float[] row, String topic, int partition, long offset, ByteArrayBuilder out) {
        double sum = 0;
        for (float v : row) {
            sum += (double) v * v;
        }
        float score = (float) (sum / row.length);
        out.reset();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("score", score);
            g.writeNumberField("threshold", THRESHOLD);
            g.writeBooleanField("anomaly", score >= THRESHOLD);
            g.writeNumberField("percentile", Math.min(100.0, Math.round(score * 1000.0) / 10.0));
            g.writeStringField("model_version", MODEL_VERSION);
            g.writeObjectFieldStart("source");
            g.writeStringField("topic", topic);
            g.writeNumberField("partition", partition);
            g.writeNumberField("offset", offset);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
