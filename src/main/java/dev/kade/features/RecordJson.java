package dev.kade.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * Writes a row of feature values as the JSON record the stream reads back into the same row: a dotted
 * name becomes a path into nested objects ({@code memory.used} → {@code {"memory":{"used":…}}}), as
 * {@link FeatureExtractor} and {@link RecordReader} read it. Where nesting would collide (features {@code a}
 * and {@code a.b}, both wanting field {@code a}) the dotted name is written as a top-level field of that exact
 * name, which the readers try first. Values are written as the shortest decimal of the float32 ({@code 5.6},
 * not {@code 5.599999904632568}); a value that is not finite cannot be written in JSON and is refused.
 */
public final class RecordJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> features;
    private final String[][] paths;
    /** True for a feature written at top level under its exact name. */
    private final boolean[] flat;

    public RecordJson(List<String> features) {
        this.features = List.copyOf(Objects.requireNonNull(features, "features"));
        this.paths = new String[this.features.size()][];
        this.flat = new boolean[this.features.size()];
        // lay the names out once on a probe object: whatever collides there is written flat
        // (plain names first: they must stay top-level fields, a dotted name nests around them)
        ObjectNode probe = JSON.createObjectNode();
        for (int j = 0; j < paths.length; j++) {
            paths[j] = this.features.get(j).split("\\.", -1);
            if (paths[j].length == 1) {
                flat[j] = true;
                probe.put(this.features.get(j), 0);
            }
        }
        for (int j = 0; j < paths.length; j++) {
            if (!flat[j] && !place(probe, paths[j])) {
                String name = this.features.get(j);
                if (probe.has(name)) {
                    throw new IllegalArgumentException("feature '" + name + "' collides with a nested path of another feature");
                }
                flat[j] = true;
                probe.put(name, 0);
            }
        }
    }

    /** Reserves the path on {@code root}; false when it collides with a value or an object already there. */
    private static boolean place(ObjectNode root, String[] path) {
        ObjectNode node = root;
        for (int k = 0; k < path.length - 1; k++) {
            if (path[k].isEmpty()) {
                return false;
            }
            JsonNode child = node.get(path[k]);
            if (child == null) {
                child = node.putObject(path[k]);
            } else if (!child.isObject()) {
                return false;
            }
            node = (ObjectNode) child;
        }
        String leaf = path[path.length - 1];
        if (leaf.isEmpty() || node.has(leaf)) {
            return false;
        }
        node.put(leaf, 0);
        return true;
    }

    /** The row as one line of JSON (no line break). */
    public String toJson(float[] row) {
        if (row.length != paths.length) {
            throw new IllegalArgumentException("row has " + row.length + " values for " + paths.length + " features");
        }
        ObjectNode root = JSON.createObjectNode();
        for (int j = 0; j < paths.length; j++) {
            float v = row[j];
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("feature '" + features.get(j) + "' is not finite: " + v);
            }
            double d = Double.parseDouble(Float.toString(v));
            if (flat[j]) {
                root.put(features.get(j), d);
                continue;
            }
            ObjectNode node = root;
            for (int k = 0; k < paths[j].length - 1; k++) {
                JsonNode child = node.get(paths[j][k]);
                node = child == null ? node.putObject(paths[j][k]) : (ObjectNode) child;
            }
            node.put(paths[j][paths[j].length - 1], d);
        }
        return root.toString();
    }
}
