package dev.kade.incident;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The labels of the feedback topic, read whole, and what they do: per entity, how far its bar for opening an
 * incident is raised, and per model, the measured precision (labelled true ÷ labelled true or false).
 *
 * <p>Built from every record of the feedback store (a global store restored from the compacted topic), so every
 * task of every instance derives the same book from the same labels, and a restart derives it again: nothing the
 * labels change needs its own changelog. Labels are few (people write them), so reading them whole is cheap.
 *
 * <p>Immutable.
 */
public final class FeedbackBook {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why a feedback record is refused (it goes to the dead-letter topic). */
    public enum Problem {
        NOT_JSON, NO_INCIDENT_ID, NO_ENTITY, UNKNOWN_LABEL
    }

    /** One parsed label. */
    public record Label(String incidentId, String entity, FeedbackLabel label, String model) {
        public Label {
            Objects.requireNonNull(incidentId, "incidentId");
            Objects.requireNonNull(entity, "entity");
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(model, "model");
        }
    }

    /** A label, or why the record is none. */
    public record Parsed(Label label, Problem problem, String detail) {
    }

    /** An empty book: no label, no bar raised. */
    public static final FeedbackBook EMPTY = new FeedbackBook(Map.of(), Map.of(), new EnumMap<>(FeedbackLabel.class), 0,
            0, FeedbackSettings.OFF, Map.of());

    private final Map<String, Integer> raises;
    private final Map<String, long[]> perModel;
    private final Map<FeedbackLabel, Long> labels;
    private final long refused;
    private final long unknown;
    private final FeedbackSettings settings;
    private final Map<String, Integer> newNormals;

    private FeedbackBook(Map<String, Integer> raises, Map<String, long[]> perModel, Map<FeedbackLabel, Long> labels,
                         long refused, long unknown, FeedbackSettings settings, Map<String, Integer> newNormals) {
        this.newNormals = newNormals;
        this.unknown = unknown;
        this.raises = raises;
        this.perModel = perModel;
        this.labels = labels;
        this.refused = refused;
        this.settings = settings;
    }

    /**
     * Parses one feedback record: a JSON object with {@code incident_id}, {@code entity}, {@code label} (one of
     * {@link FeedbackLabel}) and optionally {@code model} (the incident's model version) and anything else (kept by the
     * topic, ignored here).
     */
    public static Parsed parse(byte[] value) {
        JsonNode n;
        try {
            n = value == null || value.length == 0 ? null : JSON.readTree(value);
        } catch (IOException e) {
            return new Parsed(null, Problem.NOT_JSON, "not parseable JSON");
        }
        if (n == null || !n.isObject()) {
            return new Parsed(null, Problem.NOT_JSON, "not a JSON object");
        }
        String id = text(n, "incident_id");
        if (id == null) {
            return new Parsed(null, Problem.NO_INCIDENT_ID, "no incident_id");
        }
        String entity = text(n, "entity");
        if (entity == null) {
            return new Parsed(null, Problem.NO_ENTITY, "no entity");
        }
        String l = text(n, "label");
        var label = FeedbackLabel.ofLabel(l == null ? "" : l);
        if (label.isEmpty()) {
            return new Parsed(null, Problem.UNKNOWN_LABEL,
                    "label '" + l + "' is none of false_positive, true_positive, new_normal");
        }
        String model = text(n, "model");
        return new Parsed(new Label(id, entity, label.get(), model == null ? "unknown" : model), null, null);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isTextual() || v.asText().isBlank() ? null : v.asText();
    }

    /** The book of every record {@code all} gives (store key, value); refused records are counted, not applied. */
    public static FeedbackBook of(FeedbackSettings settings, java.util.function.Consumer<BiConsumer<String, byte[]>> all) {
        Map<String, Integer> raises = new HashMap<>();
        Map<String, long[]> perModel = new HashMap<>();
        Map<FeedbackLabel, Long> labels = new EnumMap<>(FeedbackLabel.class);
        Map<String, Integer> newNormals = new HashMap<>();
        long[] refused = new long[1];
        long[] unknown = new long[1];
        all.accept((key, value) -> {
            Parsed p = parse(value);
            if (p.label() == null) {
                refused[0]++;
                return;
            }
            Label l = p.label();
            if (!IncidentIds.wellFormed(l.incidentId())) {
                unknown[0]++;
                return;
            }
            labels.merge(l.label(), 1L, Long::sum);
            long[] tf = perModel.computeIfAbsent(l.model(), m -> new long[2]);
            switch (l.label()) {
                case TRUE_POSITIVE -> tf[0]++;
                case FALSE_POSITIVE -> {
                    tf[1]++;
                    raises.merge(l.entity(), 1, Integer::sum);
                }
                case NEW_NORMAL -> {
                    raises.merge(l.entity(), 1, Integer::sum);
                    newNormals.merge(l.entity(), 1, Integer::sum);
                }
            }
        });
        return new FeedbackBook(raises, perModel, labels, refused[0], unknown[0], settings, newNormals);
    }

    /**
     * How many times the model's threshold an anomaly of {@code entity} must score to open a new incident:
     * {@code factor^n} for its n false-positive and new-normal labels, at most {@code maxFactor}; 1 without labels.
     */
    public double bar(String entity) {
        Integer n = raises.get(entity);
        if (n == null) {
            return 1.0;
        }
        return Math.min(settings.maxFactor(), Math.pow(settings.factor(), n));
    }

    /**
     * The {@code new_normal} labels of {@code entity} on the topic: each one asks for its windowed baseline to be rebased
     * once (the task remembers how many it applied, so a label rebases once, not at every refresh).
     */
    public int newNormals(String entity) {
        return newNormals.getOrDefault(entity, 0);
    }

    /** Labels per kind. */
    public long labels(FeedbackLabel label) {
        return labels.getOrDefault(label, 0L);
    }

    /** Records of the feedback topic that are no label. */
    public long refused() {
        return refused;
    }

    /**
     * Labels for an unknown incident, counted and ignored: an id that is no kade incident id ({@link IncidentIds}).
     * The ids of resolved incidents are kept nowhere (the incident store holds open incidents only), so a well-formed id
     * kade never issued cannot be told apart and is applied to its entity.
     */
    public long unknown() {
        return unknown;
    }

    /** Per model version, labelled true ÷ labelled true or false (models with such labels only). */
    public Map<String, Double> precision() {
        Map<String, Double> out = new HashMap<>();
        perModel.forEach((m, tf) -> {
            if (tf[0] + tf[1] > 0) {
                out.put(m, (double) tf[0] / (tf[0] + tf[1]));
            }
        });
        return out;
    }
}
