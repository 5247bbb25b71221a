package dev.kade.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kade.model.ModelMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Renders alert and score records. Field names here are a public format (documented in the README):
 * change them only with a new format version.
 */
final class OutputRecords {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OutputRecords() {
    }

    /** Where a record came from. */
    record Source(String topic, int partition, long offset) {
        ObjectNode toJson() {
            ObjectNode n = JSON.createObjectNode();
            n.put("topic", topic);
            n.put("partition", partition);
            n.put("offset", offset);
            return n;
        }
    }

    static byte[] alert(byte[] key, JsonNode input, float score, float[] featureErrors, ModelMetadata model,
                        int topFeatures, Instant eventTime, Instant detectionTime, Source source) {
        ObjectNode n = JSON.createObjectNode();
        if (key == null) {
            n.putNull("key");
        } else {
            n.put("key", new String(key, StandardCharsets.UTF_8));
        }
        n.set("input", input);
        n.put("score", number(score));
        n.put("threshold", model.threshold());
        n.put("percentile", round(model.percentile(score)));
        ObjectNode m = n.putObject("model");
        m.put("kind", model.kind().label());
        m.put("version", model.version());
        n.set("top_features", topFeatures(model.features(), featureErrors, topFeatures));
        n.put("event_time", eventTime.toString());
        n.put("detection_time", detectionTime.toString());
        n.set("source", source.toJson());
        return bytes(n);
    }

    static byte[] score(float score, boolean anomaly, ModelMetadata model, Source source) {
        ObjectNode n = JSON.createObjectNode();
        n.put("score", number(score));
        n.put("threshold", model.threshold());
        n.put("anomaly", anomaly);
        n.put("percentile", round(model.percentile(score)));
        n.put("model_version", model.version());
        n.set("source", source.toJson());
        return bytes(n);
    }

    /** The features with the largest errors, largest first, each with its share of the row's total error. */
    static ArrayNode topFeatures(List<String> features, float[] errors, int limit) {
        double total = 0;
        for (float e : errors) {
            total += Math.max(0, e);
        }
        Integer[] order = new Integer[errors.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> errors[i]).reversed());
        ArrayNode out = JSON.createArrayNode();
        for (int k = 0; k < Math.min(limit, order.length); k++) {
            int j = order[k];
            ObjectNode f = out.addObject();
            f.put("feature", features.get(j));
            f.put("error", number(errors[j]));
            f.put("share", total > 0 ? round(Math.max(0, errors[j]) / total) : 0.0);
        }
        return out;
    }

    /** A float as the short decimal Java prints for it (5.6, not 5.599999904632568). */
    private static double number(float f) {
        return Double.parseDouble(Float.toString(f));
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 10_000.0) / 10_000.0 : v;
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }
}
