package dev.kade.output;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.kade.features.JsonLimits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Takes a record's carried context ({@link ContextSettings}) from its headers and its JSON value, bounded value by
 * value, so that carrying it can never make an output fail: a header longer than {@code headerMaxBytes} is left
 * out, a field longer than {@code fieldMaxChars} is cut, each counted through the {@code cuts} callback.
 *
 * <p>Fields are found as features are (docs/output-formats.md "Input records"): an exact top-level name first,
 * then the dotted path into nested objects; the last of duplicate keys wins. Only scalar values are carried
 * (string, number, boolean, null); an object or array at a copied name, or a name absent from the record, is
 * left out of {@code context} without a count (it is the record's shape, not a size cut). Fields cost a second
 * streaming parse of the record (only its objects that lead to a copied name are walked), and only when
 * {@code output.fields.copy} names any; headers cost a lookup per name.
 *
 * <p>Stateless apart from its settings; thread-safe.
 */
public final class ContextCopier {
    private final ContextSettings settings;
    private final Consumer<ContextCut> cuts;
    /** Every configured field name, and every dotted prefix of one (the objects worth walking into). */
    private final Set<String> wanted = new HashSet<>();
    private final Set<String> prefixes = new HashSet<>();

    public ContextCopier(ContextSettings settings, Consumer<ContextCut> cuts) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.cuts = Objects.requireNonNull(cuts, "cuts");
        for (String f : settings.fields()) {
            wanted.add(f);
            for (int dot = f.indexOf('.'); dot > 0; dot = f.indexOf('.', dot + 1)) {
                prefixes.add(f.substring(0, dot));
            }
        }
    }

    public ContextSettings settings() {
        return settings;
    }

    /** The context of a record with these headers and this (JSON) value; {@link CarriedContext#NONE} when it has none. */
    public CarriedContext copy(Headers headers, byte[] value) {
        if (settings.isEmpty()) {
            return CarriedContext.NONE;
        }
        List<Header> copied = copyHeaders(headers);
        List<CarriedContext.Field> fields = settings.fields().isEmpty() || value == null ? List.of() : copyFields(value);
        if (copied.isEmpty() && fields.isEmpty()) {
            return CarriedContext.NONE;
        }
        RecordHeaders counted = new RecordHeaders();
        copied.forEach(counted::add);
        return new CarriedContext(copied, DeadLetters.headerBytes(counted), fields);
    }

    private List<Header> copyHeaders(Headers headers) {
        if (headers == null || settings.headers().isEmpty()) {
            return List.of();
        }
        List<Header> out = null; // allocated only for a record that has one: most records carry none
        for (String name : settings.headers()) {
            Header h = headers.lastHeader(name);
            if (h == null) {
                continue;
            }
            byte[] v = h.value();
            if (v != null && v.length > settings.headerMaxBytes()) {
                cuts.accept(ContextCut.HEADER_DROPPED);
                continue;
            }
            if (out == null) {
                out = new ArrayList<>(settings.headers().size());
            }
            out.add(new RecordHeader(name, v == null ? null : v.clone()));
        }
        return out == null ? List.of() : out;
    }

    private List<CarriedContext.Field> copyFields(byte[] value) {
        Map<String, CarriedContext.Field> exact = new HashMap<>();
        Map<String, CarriedContext.Field> dotted = new HashMap<>();
        try (JsonParser p = JsonLimits.factory().createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return List.of();
            }
            walk(p, "", exact, dotted);
        } catch (IOException | RuntimeException notJson) {
            // a record the reader scored is JSON; if not, it carries nothing rather than fail its outputs
            return List.of();
        }
        List<CarriedContext.Field> out = new ArrayList<>(settings.fields().size());
        for (String name : settings.fields()) {
            CarriedContext.Field f = exact.containsKey(name) ? exact.get(name) : dotted.get(name);
            if (f != null) {
                out.add(f);
            }
        }
        return out;
    }

    /** Reads the object the parser is in (after its START_OBJECT) whose path is {@code prefix}. */
    private void walk(JsonParser p, String prefix, Map<String, CarriedContext.Field> exact,
                      Map<String, CarriedContext.Field> dotted) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            String path = prefix.isEmpty() ? name : prefix + "." + name;
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_OBJECT) {
                if (prefixes.contains(path)) {
                    walk(p, path, exact, dotted);
                } else {
                    p.skipChildren();
                }
            } else if (t == JsonToken.START_ARRAY) {
                p.skipChildren();
            } else if (wanted.contains(path)) {
                CarriedContext.Field f = field(path, t, p);
                if (prefix.isEmpty()) {
                    exact.put(path, f);
                } else {
                    dotted.put(path, f);
                }
            }
        }
    }

    private CarriedContext.Field field(String name, JsonToken t, JsonParser p) throws IOException {
        return switch (t) {
            case VALUE_STRING -> new CarriedContext.Field(name, CarriedContext.Kind.STRING, cut(p.getText()));
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                String text = p.getText();
                // a number too long to keep is kept as a cut string: a cut literal would be another number
                yield text.length() > settings.fieldMaxChars()
                        ? new CarriedContext.Field(name, CarriedContext.Kind.STRING, cut(text))
                        : new CarriedContext.Field(name, CarriedContext.Kind.NUMBER, text);
            }
            case VALUE_TRUE, VALUE_FALSE -> new CarriedContext.Field(name, CarriedContext.Kind.BOOLEAN, p.getText());
            default -> new CarriedContext.Field(name, CarriedContext.Kind.NULL, "null");
        };
    }

    private String cut(String s) {
        int limit = settings.fieldMaxChars();
        if (s.length() <= limit) {
            return s;
        }
        cuts.accept(ContextCut.FIELD_TRUNCATED);
        int end = Character.isHighSurrogate(s.charAt(limit - 1)) ? limit - 1 : limit;
        return s.substring(0, end);
    }
}
