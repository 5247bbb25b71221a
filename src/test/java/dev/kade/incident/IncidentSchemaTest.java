package dev.kade.incident;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The documented schema (docs/schemas/incident-event.schema.json) and the golden events agree: every golden event
 * is valid under the schema, so the documentation cannot drift from the format. A small checker of the schema's
 * keywords kade uses (type, required, properties, additionalProperties, enum, pattern, maxLength, minimum, items,
 * $ref, date-time), since no JSON Schema library is among kade's dependencies.
 */
class IncidentSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"incident-opened.json", "incident-updated.json", "incident-resolved.json"})
    void everyGoldenEventIsValidUnderTheDocumentedSchema(String golden) throws IOException {
        JsonNode schema = JSON.readTree(Files.readString(Path.of("docs/schemas/incident-event.schema.json")));
        JsonNode event;
        try (InputStream in = IncidentSchemaTest.class.getResourceAsStream("/golden/" + golden)) {
            event = JSON.readTree(in);
        }
        List<String> errors = new ArrayList<>();
        check(schema, schema, event, "$", errors);
        assertThat(errors).as(golden).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"extra\":1}", "{\"event\":\"exploded\"}", "{\"count\":\"3\"}", "{\"incident_id\":\"XYZ\"}"})
    void theCheckerRejectsWhatTheSchemaForbids(String change) throws IOException {
        JsonNode schema = JSON.readTree(Files.readString(Path.of("docs/schemas/incident-event.schema.json")));
        com.fasterxml.jackson.databind.node.ObjectNode event;
        try (InputStream in = IncidentSchemaTest.class.getResourceAsStream("/golden/incident-opened.json")) {
            event = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(in);
        }
        event.setAll((com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(change));
        List<String> errors = new ArrayList<>();
        check(schema, schema, event, "$", errors);
        assertThat(errors).isNotEmpty();
    }

    private static void check(JsonNode root, JsonNode s, JsonNode v, String at, List<String> errors) {
        if (s.has("$ref")) {
            String ref = s.get("$ref").asText();
            check(root, root.at(ref.substring(1)), v, at, errors);
            return;
        }
        if (s.has("enum")) {
            boolean any = false;
            for (JsonNode e : s.get("enum")) {
                any |= e.equals(v);
            }
            if (!any) {
                errors.add(at + ": " + v + " not in " + s.get("enum"));
            }
        }
        if (s.has("type") && !typeMatches(s.get("type"), v)) {
            errors.add(at + ": " + v + " is not " + s.get("type"));
            return;
        }
        if (v.isTextual()) {
            if (s.has("pattern") && !v.asText().matches(s.get("pattern").asText())) {
                errors.add(at + ": " + v + " does not match " + s.get("pattern"));
            }
            if (s.has("maxLength") && v.asText().length() > s.get("maxLength").asInt()) {
                errors.add(at + ": longer than " + s.get("maxLength"));
            }
            if ("date-time".equals(s.path("format").asText())) {
                try {
                    Instant.parse(v.asText());
                } catch (RuntimeException e) {
                    errors.add(at + ": not a date-time: " + v);
                }
            }
        }
        if (v.isNumber() && s.has("minimum") && v.asDouble() < s.get("minimum").asDouble()) {
            errors.add(at + ": below " + s.get("minimum"));
        }
        if (v.isArray() && s.has("items")) {
            for (int i = 0; i < v.size(); i++) {
                check(root, s.get("items"), v.get(i), at + "[" + i + "]", errors);
            }
        }
        if (v.isObject()) {
            for (JsonNode r : s.path("required")) {
                if (!v.has(r.asText())) {
                    errors.add(at + ": missing " + r.asText());
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                JsonNode p = s.path("properties").get(f.getKey());
                if (p == null) {
                    if (s.path("additionalProperties").isBoolean() && !s.get("additionalProperties").asBoolean()) {
                        errors.add(at + ": unexpected field " + f.getKey());
                    }
                } else {
                    check(root, p, f.getValue(), at + "." + f.getKey(), errors);
                }
            }
        }
    }

    private static boolean typeMatches(JsonNode type, JsonNode v) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (typeMatches(t, v)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber();
            case "number" -> v.isNumber();
            case "null" -> v.isNull();
            case "boolean" -> v.isBoolean();
            default -> false;
        };
    }
}
