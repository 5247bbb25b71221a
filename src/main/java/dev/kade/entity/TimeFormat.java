package dev.kade.entity;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * How a record's event-time field is written ({@code entity.time.format}). Every format answers epoch
 * milliseconds, or an {@link EventTimeException} naming what it could not read.
 */
public enum TimeFormat {
    /**
     * The trainer's rule ({@link dev.kade.series.SeriesTime}), so that a time column means the same in
     * {@code kade train} and in the stream: a number is epoch seconds below 10^11 (until the year 5138) and
     * epoch milliseconds from there on (after 1973); anything else is read as ISO-8601.
     */
    AUTO,
    /**
     * ISO-8601: an instant ({@code 2026-12-03T13:40:00Z}), a date-time with an offset, or a local date-time
     * or date taken as UTC. A space may stand for the {@code T} ({@code 2014-04-02 14:29:00}, as NAB writes it).
     */
    ISO_8601,
    /** Epoch milliseconds (a JSON number or a string holding one; a fraction is truncated). */
    EPOCH_MILLIS,
    /** Epoch seconds (a JSON number or a string holding one; a fraction keeps its milliseconds). */
    EPOCH_SECONDS;

    /** The config value: the name in lower case ({@code epoch_millis}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format a config value names, case-insensitively; null when none does. */
    public static TimeFormat ofLabel(String label) {
        for (TimeFormat f : values()) {
            if (f.label().equalsIgnoreCase(label.trim())) {
                return f;
            }
        }
        return null;
    }

    /** Epoch milliseconds of {@code text}; {@code field} names the field in the exception's message. */
    public long parse(String field, String text) throws EventTimeException {
        if (text == null) {
            throw new EventTimeException("time field '" + field + "' is missing, null or not a scalar");
        }
        String t = text.trim();
        if (t.isEmpty()) {
            throw new EventTimeException("time field '" + field + "' is empty");
        }
        return switch (this) {
            case ISO_8601 -> iso(field, t);
            case EPOCH_MILLIS -> millis(field, number(field, t));
            case EPOCH_SECONDS -> millis(field, number(field, t) * 1000.0);
            case AUTO -> {
                try {
                    yield dev.kade.series.SeriesTime.parseMillis(t);
                } catch (IllegalArgumentException e) {
                    throw new EventTimeException("time field '" + field + "' is not a time (ISO-8601 or epoch seconds/millis): '"
                            + abbreviate(t) + "'");
                }
            }
        };
    }

    private static double number(String field, String t) throws EventTimeException {
        try {
            double d = Double.parseDouble(t);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new EventTimeException("time field '" + field + "' is not an epoch number: '" + abbreviate(t) + "'");
        }
    }

    private static long millis(String field, double ms) throws EventTimeException {
        if (Math.abs(ms) > 8.64e15) {
            throw new EventTimeException("time field '" + field + "' is out of range: " + ms + " ms");
        }
        return (long) Math.floor(ms);
    }

    private static long iso(String field, String t) throws EventTimeException {
        String s = t.length() > 10 && t.charAt(10) == ' ' ? t.substring(0, 10) + 'T' + t.substring(11) : t;
        try {
            if (s.length() <= 10) {
                return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            }
            char last = s.charAt(s.length() - 1);
            if (last == 'Z' || last == 'z') {
                return Instant.parse(s.substring(0, s.length() - 1) + 'Z').toEpochMilli();
            }
            if (hasOffset(s)) {
                return OffsetDateTime.parse(s).toInstant().toEpochMilli();
            }
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new EventTimeException("time field '" + field + "' is not ISO-8601: '" + abbreviate(t) + "'");
        }
    }

    /** True when the text after the time of day carries a +hh:mm or -hh:mm offset. */
    private static boolean hasOffset(String s) {
        int tee = s.indexOf('T');
        return tee > 0 && (s.indexOf('+', tee) > 0 || s.indexOf('-', tee) > 0);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
