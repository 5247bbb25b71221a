package dev.kade.incident;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The mute rules in force: those of the settings ({@code alerts.mute.rules}, {@code alerts.mute.schedules}) and those
 * of the control topic ({@code alerts.mute.topic}), read whole.
 *
 * <p>Built from every record of the mute store (a global store restored from the compacted topic, key = rule id,
 * a tombstone deleting the rule), so every task of every instance derives the same rules from the same topic, and a
 * restart derives them again: nothing here needs a changelog of its own. Rules are few (operators write them).
 *
 * <p>Immutable.
 */
public final class MuteBook {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why a control record is refused (it goes to the dead-letter topic). */
    public enum Problem {
        NO_KEY, NOT_JSON, NO_ENTITY, NO_WINDOW, BAD_WINDOW
    }

    /** A rule, or why the record is none. */
    public record Parsed(MuteRule rule, Problem problem, String detail) {
    }

    private final List<MuteRule> rules;
    private final long refused;

    private MuteBook(List<MuteRule> rules, long refused) {
        this.rules = List.copyOf(rules);
        this.refused = refused;
    }

    /** The rules of the settings alone (no control topic). */
    public static MuteBook of(List<MuteRule> settings) {
        return new MuteBook(settings, 0);
    }

    /**
     * The rules of the settings and of every record {@code all} gives (store key, value); refused records are counted,
     * not applied.
     */
    public static MuteBook of(List<MuteRule> settings, Consumer<BiConsumer<String, byte[]>> all) {
        List<MuteRule> rules = new ArrayList<>(settings);
        long[] refused = new long[1];
        all.accept((key, value) -> {
            Parsed p = parse(key, value);
            if (p.rule() == null) {
                refused[0]++;
            } else {
                rules.add(p.rule());
            }
        });
        return new MuteBook(rules, refused[0]);
    }

    /**
     * Parses one control record (docs/alerting.md, docs/schemas/mute-rule.schema.json): key = the rule id; value = a
     * JSON object with exactly one of {@code entity} (one entity, matched literally), {@code entity_pattern} (a glob)
     * or {@code "all": true}, and either {@code start} and {@code end} (ISO-8601 instants) or {@code schedule}
     * ({@code cron}, {@code duration}, optional {@code time_zone}), whose {@code start} and {@code end} are then optional
     * bounds. Other fields ({@code reason}, {@code by}) are kept by the topic and ignored here.
     *
     * @param key the record key (null or starting with a NUL: keyless)
     */
    public static Parsed parse(String key, byte[] value) {
        if (key == null || key.isBlank() || key.startsWith("\0")) {
            return new Parsed(null, Problem.NO_KEY, "no key: a rule's key is its id, by which a tombstone deletes it");
        }
        JsonNode n;
        try {
            n = value == null || value.length == 0 ? null : JSON.readTree(value);
        } catch (IOException e) {
            return new Parsed(null, Problem.NOT_JSON, "not parseable JSON");
        }
        if (n == null || !n.isObject()) {
            return new Parsed(null, Problem.NOT_JSON, "not a JSON object");
        }
        String entity = text(n, "entity");
        String pattern = text(n, "entity_pattern");
        boolean all = n.path("all").isBoolean() && n.path("all").asBoolean();
        int given = (entity != null ? 1 : 0) + (pattern != null ? 1 : 0) + (all ? 1 : 0);
        if (given != 1) {
            return new Parsed(null, Problem.NO_ENTITY, given == 0
                    ? "none of entity, entity_pattern, \"all\": true" : "more than one of entity, entity_pattern, \"all\": true");
        }
        String matched = all ? "*" : entity != null ? entity : pattern;
        try {
            Optional<Instant> start = instant(n, "start");
            Optional<Instant> end = instant(n, "end");
            JsonNode schedule = n.get("schedule");
            MuteWindow window;
            if (schedule != null && !schedule.isNull()) {
                if (!schedule.isObject()) {
                    return new Parsed(null, Problem.BAD_WINDOW, "schedule is not an object {cron, duration, time_zone}");
                }
                String cron = text(schedule, "cron");
                String duration = text(schedule, "duration");
                if (cron == null || duration == null) {
                    return new Parsed(null, Problem.BAD_WINDOW, "schedule needs cron and duration");
                }
                String zone = text(schedule, "time_zone");
                Duration d;
                try {
                    d = Duration.parse(duration.trim());
                } catch (DateTimeParseException e) {
                    return new Parsed(null, Problem.BAD_WINDOW, "duration '" + duration + "' is no ISO-8601 duration (e.g. PT2H)");
                }
                window = new MuteWindow.Recurring(cron, d, zone == null ? ZoneOffset.UTC : MuteWindow.Recurring.zone(zone),
                        start, end);
            } else if (start.isPresent() && end.isPresent()) {
                window = new MuteWindow.Absolute(start.get(), end.get());
            } else {
                return new Parsed(null, Problem.NO_WINDOW, "neither start and end nor a schedule");
            }
            return new Parsed(new MuteRule(key, matched, entity != null, window), null, null);
        } catch (IllegalArgumentException e) {
            return new Parsed(null, Problem.BAD_WINDOW, e.getMessage());
        }
    }

    private static Optional<Instant> instant(JsonNode n, String field) {
        String t = text(n, field);
        if (t == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(t.trim()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " '" + t + "' is no ISO-8601 instant (e.g. 2026-12-03T02:00:00Z)", e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || !v.isTextual() || v.asText().isBlank() ? null : v.asText();
    }

    /** Whether a record of {@code entity} at event time {@code at} (epoch ms) lies inside a rule's window. */
    public boolean muted(String entity, long at) {
        for (MuteRule r : rules) {
            if (r.mutes(entity, at)) {
                return true;
            }
        }
        return false;
    }

    /** Whether no rule is in force (a fast path: nothing to look up). */
    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** The rules in force, settings first. */
    public List<MuteRule> rules() {
        return rules;
    }

    /** Records of the control topic that are no rule. */
    public long refused() {
        return refused;
    }

    @Override
    public String toString() {
        return "MuteBook" + rules.stream().map(MuteRule::id).toList() + (refused > 0 ? " (" + refused + " refused)" : "");
    }
}
