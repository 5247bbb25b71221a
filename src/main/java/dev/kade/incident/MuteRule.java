package dev.kade.incident;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A maintenance window: records of the entities it matches with an event time inside its {@link MuteWindow} are
 * muted (scored and counted, but an anomaly among them opens no incident and joins none, sends no per-record alert,
 * and a windowed entity's baseline does not learn from them; docs/alerting.md).
 *
 * @param id      where the rule comes from: the setting's text, or the control topic's record key
 * @param pattern an entity glob ({@code *} any run of characters, {@code ?} one character; {@code *} alone mutes all),
 *                or, when {@code exact}, the entity itself
 * @param exact   whether {@code pattern} is one entity's name, matched literally
 * @param window  when it mutes
 */
public record MuteRule(String id, String pattern, boolean exact, MuteWindow window) {
    public MuteRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(window, "window");
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("an empty entity pattern");
        }
    }

    /** An absolute window for an entity glob (tests and settings). */
    public MuteRule(String pattern, Instant start, Instant end) {
        this(pattern + "@" + start + "/" + end, pattern, false, new MuteWindow.Absolute(start, end));
    }

    /**
     * Parses one entry of {@code alerts.mute.rules}: {@code PATTERN@START/END}, e.g.
     * {@code db-*@2026-12-03T02:00:00Z/2026-12-03T04:00:00Z}.
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

    /**
     * Parses one entry of {@code alerts.mute.schedules}: {@code PATTERN@CRON|DURATION[|ZONE]}, e.g.
     * {@code db-*@0 2 * * SUN|PT2H|Europe/Berlin}: a 5-field cron expression (minute hour day-of-month month
     * day-of-week), an ISO-8601 duration, and a time zone (UTC when left out).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static MuteRule parseSchedule(String text) {
        String t = text.trim();
        int at = t.indexOf('@');
        String[] parts = at <= 0 ? new String[0] : t.substring(at + 1).split("\\|", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("'" + text + "' is not ENTITY_PATTERN@CRON|DURATION[|ZONE], e.g. "
                    + "db-*@0 2 * * SUN|PT2H|Europe/Berlin");
        }
        try {
            return new MuteRule(t, t.substring(0, at), false, new MuteWindow.Recurring(parts[0],
                    Duration.parse(parts[1].trim()), parts.length == 3 ? MuteWindow.Recurring.zone(parts[2]) : ZoneOffset.UTC,
                    Optional.empty(), Optional.empty()));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "': duration '" + parts[1].trim()
                    + "' is no ISO-8601 duration (e.g. PT2H, PT30M)", e);
        }
    }

    /** Whether a record of {@code entity} at event time {@code at} (epoch ms) is muted by this rule. */
    public boolean mutes(String entity, long at) {
        return matches(entity) && window.contains(at);
    }

    private boolean matches(String entity) {
        if (exact) {
            return pattern.equals(entity);
        }
        return "*".equals(pattern) || PATTERNS.computeIfAbsent(pattern, MuteRule::glob).matcher(entity).matches();
    }

    /** Compiled globs, shared: rules are few (settings and an operator's control topic). */
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
