package dev.kade.incident;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A maintenance window: anomalies of the entities matching {@code pattern} with an event time in
 * {@code [start, end)} are muted (scored and counted, but they open no incident and join none).
 *
 * @param pattern an entity glob: {@code *} any run of characters, {@code ?} one character; {@code *} alone mutes all
 * @param start   first muted instant (event time)
 * @param end     first instant no longer muted
 */
public record MuteRule(String pattern, Instant start, Instant end) {
    public MuteRule {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("an empty entity pattern");
        }
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("the window ends (" + end + ") at or before it starts (" + start + ")");
        }
    }

    /**
     * Parses {@code PATTERN@START/END}, e.g. {@code db-*@2026-12-03T02:00:00Z/2026-12-03T04:00:00Z}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static MuteRule parse(String text) {
        String t = text.trim();
        int at = t.lastIndexOf('@');
        int slash = t.lastIndexOf('/');
        if (at <= 0 || slash < at) {
            throw new IllegalArgumentException("'" + text + "' is not ENTITY_PATTERN@START/END (ISO-8601 instants)");
        }
        try {
            return new MuteRule(t.substring(0, at), Instant.parse(t.substring(at + 1, slash)), Instant.parse(t.substring(slash + 1)));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage(), e);
        }
    }

    /** Whether an anomaly of {@code entity} at event time {@code at} (epoch ms) is muted by this rule. */
    public boolean mutes(String entity, long at) {
        return at >= start.toEpochMilli() && at < end.toEpochMilli()
                && PATTERNS.computeIfAbsent(pattern, MuteRule::glob).matcher(entity).matches();
    }

    /** Compiled globs, shared: rules are few and come from the settings. */
    private static final java.util.Map<String, Pattern> PATTERNS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
