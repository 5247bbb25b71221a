package dev.kade.features;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a model's features out of one JSON record with Jackson's streaming parser, into a row the caller
 * owns (a slot of a batch). The stream's hot path: it builds no tree, keeps no copy of the record, and
 * walks only into the objects that lead to a feature; every other subtree is skipped token by token.
 *
 * <p>Its answers are those of {@link FeatureExtractor} (the tree path the trainer uses), to the reason
 * and the message: the same lookup (an exact top-level name first, then the dotted path), the same
 * handling of duplicate keys (the last one wins, as in a tree), the same value rules
 * ({@code FeatureValues}) and the same {@link JsonLimits}. The whole record is parsed before a feature
 * error is reported, so a record that is both malformed and missing a feature is {@code not_json} on
 * both paths. {@code RecordReaderAgreementTest} holds the two to this on a corpus of odd records.
 *
 * <p>Immutable and thread-safe: per-call scratch state lives in a thread-local, so several stream
 * threads can share one reader (one per serving model).
 */
public final class RecordReader {
    private static final byte ABSENT = 0;
    private static final byte NULL = 1;
    private static final byte NUMBER = 2;
    private static final byte TEXT = 3;
    private static final byte BOOLEAN = 4;
    private static final byte OBJECT = 5;
    private static final byte ARRAY = 6;

    private final List<String> features;
    /** Fields read as text beside the features (entity and time fields), in the same single parse. */
    private final List<String> sideFields;
    private final PathNode root = new PathNode();
    /** Top-level names that contain a dot, each matching a dotted feature exactly (that lookup wins). */
    private final Map<String, int[]> exactDotted = new HashMap<>();
    private final ThreadLocal<Slots> scratch;
    /** The top-level names that matter, looked up by their bytes: the flat path's {@link #children} and {@link #exactDotted}. */
    private final FlatKeys flatKeys;

    public RecordReader(List<String> features) {
        this(features, List.of());
    }

    /**
     * A reader that also returns the text of {@code sideFields} (looked up like features: exact top-level
     * name first, then the dotted path) from the same parse, for {@link #read(byte[], float[], int, String[])}.
     * The stream reads a record's entity and event-time fields this way, so they cost no second parse.
     */
    public RecordReader(List<String> features, List<String> sideFields) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(sideFields, "sideFields");
        if (features.isEmpty()) {
            throw new IllegalArgumentException("a record reader needs at least one feature");
        }
        this.features = List.copyOf(features);
        this.sideFields = List.copyOf(sideFields);
        List<String> all = new ArrayList<>(this.features);
        all.addAll(this.sideFields);
        Map<String, List<Integer>> exact = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            String name = all.get(i);
            String[] path = name.split("\\.", -1);
            if (path.length > 1) {
                exact.computeIfAbsent(name, k -> new ArrayList<>()).add(i);
            }
            root.add(path, 0, i);
        }
        exact.forEach((k, v) -> exactDotted.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
        root.freeze();
        flatKeys = new FlatKeys(root.children, exactDotted);
        int slots = all.size();
        int width = this.features.size();
        this.scratch = ThreadLocal.withInitial(() -> new Slots(slots, width));
    }

    /** Feature names in column order. */
    public List<String> features() {
        return features;
    }

    public int width() {
        return features.size();
    }

    /** The fields read as text beside the features, in the order {@code read}'s {@code sides} array holds them. */
    public List<String> sideFields() {
        return sideFields;
    }

    /** Reads the features of one record into a new row. */
    public float[] read(byte[] json) throws FeatureException {
        float[] row = new float[width()];
        read(json, row, 0);
        return row;
    }

    /**
     * Reads the features of one record into {@code dest[offset .. offset + width())}; on failure the
     * slot's contents are unspecified and the exception carries the dead-letter reason.
     */
    public void read(byte[] json, float[] dest, int offset) throws FeatureException {
        read(json, dest, offset, null);
    }

    /**
     * As {@link #read(byte[], float[], int)}, and also writes each side field's text to {@code sides[j]}
     * (a JSON string as it is, a number or boolean as written in the record), or null when the field is
     * absent, null, an object or an array. {@code sides} may be null when the reader has no side fields.
     * Side fields are filled only when the features were read (the record's first error wins).
     */
    public void read(byte[] json, float[] dest, int offset, String[] sides) throws FeatureException {
        if (sides == null ? !sideFields.isEmpty() : sides.length < sideFields.size()) {
            throw new IllegalArgumentException("need room for " + sideFields.size() + " side fields");
        }
        if (json == null || json.length == 0) {
            throw new FeatureException(FeatureError.EMPTY_VALUE, null, "record value is empty");
        }
        Slots slots = scratch.get();
        slots.clear();
        if (slots.flat.scan(json)) {
            readFlat(json, slots.flat, slots);
        } else {
            readWithJackson(json, slots);
        }
        for (int i = 0; i < features.size(); i++) {
            dest[offset + i] = slots.value(i, features.get(i));
        }
        int width = features.size();
        for (int j = 0; j < sideFields.size(); j++) {
            sides[j] = slots.text(width + j);
        }
    }

    /**
     * The flat path: the members {@link FlatJson} found, in order, with {@link #readObject}'s rules for a top-level
     * member whose value is a scalar (an exact dotted name first, then the path; a repeated name replaces the earlier
     * value).
     */
    private void readFlat(byte[] json, FlatJson flat, Slots slots) {
        for (int m = 0; m < flat.count(); m++) {
            FlatKeys.Key key = flatKeys.find(json, flat.nameStart(m), flat.nameLength(m));
            if (key == null) {
                continue;
            }
            for (int i : key.exact()) {
                slots.record(slots.exact, i, json, flat, m);
            }
            PathNode child = key.node();
            if (child != null) {
                for (int i : child.below) {
                    slots.nested[i] = ABSENT;
                }
                for (int i : child.leaf) {
                    slots.record(slots.nested, i, json, flat, m);
                }
            }
        }
    }

    /** Reads a record with Jackson's streaming parser: every record the flat path does not take. */
    private void readWithJackson(byte[] json, Slots slots) throws FeatureException {
        try (JsonParser p = JsonLimits.factory().createParser(json)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new FeatureException(FeatureError.EMPTY_VALUE, null, "record value is blank");
            }
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                expectEnd(p);
                throw new FeatureException(FeatureError.NOT_AN_OBJECT, null,
                        "value is JSON but not an object: " + kindName(t));
            }
            readObject(p, root, true, slots);
            expectEnd(p);
        } catch (JsonProcessingException e) {
            throw FeatureException.notJson(e);
        } catch (IOException e) {
            throw new FeatureException(FeatureError.NOT_JSON, null, "value is not JSON: " + e.getMessage());
        }
    }

    private void readObject(JsonParser p, PathNode node, boolean top, Slots slots) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (top) {
                int[] exact = exactDotted.get(name);
                if (exact != null) {
                    for (int i : exact) {
                        slots.record(slots.exact, i, p, v);
                    }
                }
            }
            PathNode child = node.children.get(name);
            if (child == null) {
                p.skipChildren();
                continue;
            }
            // a repeated key replaces the earlier value wholly, as it does in a tree
            for (int i : child.below) {
                slots.nested[i] = ABSENT;
            }
            for (int i : child.leaf) {
                slots.record(slots.nested, i, p, v);
            }
            if (v == JsonToken.START_OBJECT && !child.children.isEmpty()) {
                readObject(p, child, false, slots);
            } else {
                p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IllegalStateException("parser gave " + t + " inside an object");
        }
    }

    private static void expectEnd(JsonParser p) throws IOException, FeatureException {
        JsonToken extra = p.nextToken();
        if (extra != null) {
            throw new FeatureException(FeatureError.NOT_JSON, null,
                    "value is not JSON: trailing token (" + extra + ") after the record");
        }
    }

    private static String kindName(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** One step of the features' dotted paths. */
    static final class PathNode {
        Map<String, PathNode> children = new HashMap<>();
        private final List<Integer> leafList = new ArrayList<>();
        private final List<Integer> belowList = new ArrayList<>();
        int[] leaf;
        int[] below;

        void add(String[] path, int depth, int feature) {
            PathNode c = children.computeIfAbsent(path[depth], k -> new PathNode());
            c.belowList.add(feature);
            if (depth == path.length - 1) {
                c.leafList.add(feature);
            } else {
                c.add(path, depth + 1, feature);
            }
        }

        void freeze() {
            leaf = leafList.stream().mapToInt(Integer::intValue).toArray();
            below = belowList.stream().mapToInt(Integer::intValue).toArray();
            children = Map.copyOf(children);
            children.values().forEach(PathNode::freeze);
        }
    }

    /** What was seen for each feature: by exact top-level name and by dotted path. Reused per thread. */
    private static final class Slots {
        final byte[] exact;
        final byte[] nested;
        final double[] exactNumber;
        final double[] nestedNumber;
        final String[] exactText;
        final String[] nestedText;

        /** Slots below this are features; the rest side fields. */
        final int featureCount;
        /** The flat path's scanner, reused record after record. */
        final FlatJson flat = new FlatJson();

        Slots(int width, int featureCount) {
            this.featureCount = featureCount;
            exact = new byte[width];
            nested = new byte[width];
            exactNumber = new double[width];
            nestedNumber = new double[width];
            exactText = new String[width];
            nestedText = new String[width];
        }

        void clear() {
            Arrays.fill(exact, ABSENT);
            Arrays.fill(nested, ABSENT);
            Arrays.fill(exactText, null);
            Arrays.fill(nestedText, null);
        }

        void record(byte[] kinds, int i, JsonParser p, JsonToken v) throws IOException {
            boolean isExact = kinds == exact;
            switch (v) {
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                    kinds[i] = NUMBER;
                    (isExact ? exactNumber : nestedNumber)[i] = p.getDoubleValue();
                    if (i >= featureCount) {
                        // a side field keeps the number as written (an id of 20 digits must not pass through a double)
                        (isExact ? exactText : nestedText)[i] = p.getText();
                    }
                }
                case VALUE_STRING -> {
                    kinds[i] = TEXT;
                    (isExact ? exactText : nestedText)[i] = p.getText();
                }
                case VALUE_NULL -> kinds[i] = NULL;
                case VALUE_TRUE, VALUE_FALSE -> {
                    kinds[i] = BOOLEAN;
                    if (i >= featureCount) {
                        (isExact ? exactText : nestedText)[i] = p.getText();
                    }
                }
                case START_OBJECT -> kinds[i] = OBJECT;
                case START_ARRAY -> kinds[i] = ARRAY;
                default -> throw new IllegalStateException("unexpected value token " + v);
            }
        }

        /** As {@link #record(byte[], int, JsonParser, JsonToken)}, for member {@code m} of a flat record. */
        void record(byte[] kinds, int i, byte[] json, FlatJson f, int m) {
            boolean isExact = kinds == exact;
            switch (f.kind(m)) {
                case FlatJson.NUMBER -> {
                    kinds[i] = NUMBER;
                    (isExact ? exactNumber : nestedNumber)[i] = f.number(m);
                    if (i >= featureCount) {
                        (isExact ? exactText : nestedText)[i] = ascii(json, f.valueStart(m), f.valueLength(m));
                    }
                }
                case FlatJson.STRING -> {
                    kinds[i] = TEXT;
                    (isExact ? exactText : nestedText)[i] = ascii(json, f.valueStart(m), f.valueLength(m));
                }
                case FlatJson.NULL -> kinds[i] = NULL;
                case FlatJson.TRUE, FlatJson.FALSE -> {
                    kinds[i] = BOOLEAN;
                    if (i >= featureCount) {
                        (isExact ? exactText : nestedText)[i] = f.kind(m) == FlatJson.TRUE ? "true" : "false";
                    }
                }
                default -> throw new IllegalStateException("unknown flat kind " + f.kind(m));
            }
        }

        private static String ascii(byte[] json, int start, int length) {
            return new String(json, start, length, java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        /** Slot {@code i}'s text: a string, or a number or boolean as written; null for anything else. */
        String text(int i) {
            boolean useExact = exact[i] != ABSENT;
            byte kind = useExact ? exact[i] : nested[i];
            return kind == TEXT || kind == NUMBER || kind == BOOLEAN ? (useExact ? exactText : nestedText)[i] : null;
        }

        float value(int i, String name) throws FeatureException {
            boolean useExact = exact[i] != ABSENT;
            byte kind = useExact ? exact[i] : nested[i];
            return switch (kind) {
                case ABSENT, NULL -> throw FeatureValues.missing(name);
                case NUMBER -> FeatureValues.finite(name, (useExact ? exactNumber : nestedNumber)[i]);
                case TEXT -> FeatureValues.fromText(name, (useExact ? exactText : nestedText)[i]);
                case BOOLEAN -> throw FeatureValues.notANumber(name, "boolean");
                case OBJECT -> throw FeatureValues.notANumber(name, "object");
                case ARRAY -> throw FeatureValues.notANumber(name, "array");
                default -> throw new IllegalStateException("unknown slot kind " + kind);
            };
        }
    }
}
