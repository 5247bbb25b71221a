package dev.kade.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Turns one record into the model's input row: the one place where training data and streamed data
 * become numbers, so that training and serving cannot drift apart.
 *
 * <p>A feature name is looked up first as a top-level field of that exact name (so a CSV header
 * {@code cpu.user} works), then as a dotted path into nested objects ({@code cpu.user} reads
 * {@code {"cpu":{"user":1.5}}}). A value is accepted when it is a JSON number or a string holding a
 * decimal number (CSV cells arrive as strings); anything else is a {@link FeatureException} whose
 * {@link FeatureError} is the dead-letter reason. Values must be finite in float32.
 *
 * <p>This is the tree path (the trainer reads data sets through it). The stream reads records with
 * {@link RecordReader}, a streaming parser that builds no tree; the two share {@link JsonLimits} and
 * {@code FeatureValues} and a property test holds them to the same answers.
 *
 * <p>Immutable and thread-safe.
 */
public final class FeatureExtractor {
    private static final ObjectMapper JSON = new ObjectMapper(JsonLimits.factory())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final List<String> features;
    private final String[][] paths;

    public FeatureExtractor(List<String> features) {
        Objects.requireNonNull(features, "features");
        if (features.isEmpty()) {
            throw new IllegalArgumentException("a feature extractor needs at least one feature");
        }
        this.features = List.copyOf(features);
        this.paths = new String[this.features.size()][];
        for (int i = 0; i < paths.length; i++) {
            paths[i] = this.features.get(i).split("\\.", -1);
        }
    }

    /** Feature names in column order. */
    public List<String> features() {
        return features;
    }

    public int width() {
        return features.size();
    }

    /** Parses JSON bytes and extracts the features. */
    public float[] extract(byte[] json) throws FeatureException {
        return extract(parse(json));
    }

    /**
     * Parses a record value as the extractor does, for callers that also need the tree (the stream keeps
     * it for the alert's {@code input}); empty values and malformed JSON fail with their dead-letter reason.
     */
    public static JsonNode parse(byte[] json) throws FeatureException {
        if (json == null || json.length == 0) {
            throw new FeatureException(FeatureError.EMPTY_VALUE, null, "record value is empty");
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw FeatureException.notJson(e);
        } catch (IOException e) {
            throw new FeatureException(FeatureError.NOT_JSON, null, "value is not JSON: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw new FeatureException(FeatureError.EMPTY_VALUE, null, "record value is blank");
        }
        return node;
    }

    /** Extracts the features from a parsed record. */
    public float[] extract(JsonNode record) throws FeatureException {
        if (record == null || !record.isObject()) {
            throw new FeatureException(FeatureError.NOT_AN_OBJECT, null,
                    "value is JSON but not an object: " + (record == null ? "null" : record.getNodeType().name().toLowerCase()));
        }
        float[] row = new float[paths.length];
        for (int i = 0; i < paths.length; i++) {
            row[i] = read(record, i);
        }
        return row;
    }

    /** Parses a JSON text (one JSON Lines line, for instance) and extracts the features. */
    public float[] extract(String json) throws FeatureException {
        return extract(json == null ? null : json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The shared JSON mapper settings, for readers that parse records before extraction. */
    public static ObjectMapper json() {
        return JSON;
    }

    private float read(JsonNode record, int i) throws FeatureException {
        String name = features.get(i);
        JsonNode v = lookup(record, i);
        if (v == null || v.isNull() || v.isMissingNode()) {
            throw FeatureValues.missing(name);
        }
        if (v.isNumber()) {
            return FeatureValues.finite(name, v.doubleValue());
        }
        if (v.isTextual()) {
            return FeatureValues.fromText(name, v.textValue());
        }
        throw FeatureValues.notANumber(name, v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }

    private JsonNode lookup(JsonNode record, int i) {
        JsonNode direct = record.get(features.get(i));
        if (direct != null || paths[i].length == 1) {
            return direct;
        }
        JsonNode node = record;
        for (String part : paths[i]) {
            node = node.get(part);
            if (node == null) {
                return null;
            }
        }
        return node;
    }
}
