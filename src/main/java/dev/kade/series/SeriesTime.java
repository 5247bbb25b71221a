package dev.kade.series;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Reads a time value as epoch milliseconds: an ISO-8601 instant or offset date-time
 * ({@code 2014-04-01T00:00:00Z}), a local date-time taken as UTC with {@code T} or a space between date and
 * time ({@code 2014-04-01 00:00:00}, NAB's format), a date, or a number of epoch seconds (below 10^11, i.e.
 * before the year 5138) or epoch milliseconds (10^11 and above).
 */
public final class SeriesTime {
    private static final double MILLIS_FROM = 1e11;

    private SeriesTime() {
    }

    /**
     * Epoch milliseconds of {@code text}.
     *
     * @throws IllegalArgumentException if it is none of the accepted forms
     */
    public static long parseMillis(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty time value");
        }
        String s = text.trim();
        char c = s.charAt(0);
        if ((c >= '0' && c <= '9' || c == '-' || c == '+') && s.indexOf(':') < 0 && !s.matches("\\d{4}-\\d{2}-\\d{2}")) {
            try {
                double v = Double.parseDouble(s);
                if (Double.isFinite(v)) {
                    return Math.abs(v) < MILLIS_FROM ? Math.round(v * 1000) : Math.round(v);
                }
            } catch (NumberFormatException ignored) {
                // not a number: try the date forms
            }
        }
        String iso = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
        try {
            return Instant.parse(iso).toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // next form
        }
        try {
            return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // next form
        }
        try {
            return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // next form
        }
        try {
            return LocalDate.parse(iso).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a time (ISO-8601 or epoch seconds/millis): " + text);
        }
    }
}
