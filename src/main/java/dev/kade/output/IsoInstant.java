package dev.kade.output;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A time as the text {@link Instant#toString()} gives for it ({@code 2026-11-25T11:59:58.123Z}; no fraction on a
 * whole second, else 3, 6 or 9 digits), written into a reused {@code char[]}: every windowed score record carries
 * its event time and every alert two times, and {@code Instant.toString} (a {@code DateTimeFormatter} and two
 * {@code StringBuilder}s) was a tenth of rendering a windowed score record. The date part is computed once per day.
 *
 * <p>Years 0000 to 9999 only: {@link #format} answers -1 outside them, where the caller falls back to
 * {@code Instant.toString} (which then adds a sign or more digits).
 *
 * <p>Not thread-safe: one per {@link OutputWriter}.
 */
final class IsoInstant {
    private static final long SECONDS_PER_DAY = 86_400L;
    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z, in epoch seconds. */
    static final long MIN_SECOND = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    static final long MAX_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    private final char[] text = new char[30];
    private long day = Long.MIN_VALUE;

    /** The text of the last {@link #format}, in {@code [0, length)}. */
    char[] text() {
        return text;
    }

    /** As {@link #format(long, int)} for epoch milliseconds. */
    int format(long epochMillis) {
        return format(Math.floorDiv(epochMillis, 1000L), (int) Math.floorMod(epochMillis, 1000L) * 1_000_000);
    }

    /**
     * Writes the text of the instant {@code epochSecond} + {@code nano} ns into {@link #text()} and answers its
     * length, or -1 when its year is outside 0000..9999.
     */
    int format(long epochSecond, int nano) {
        if (epochSecond < MIN_SECOND || epochSecond > MAX_SECOND) {
            return -1;
        }
        long d = Math.floorDiv(epochSecond, SECONDS_PER_DAY);
        int seconds = (int) Math.floorMod(epochSecond, SECONDS_PER_DAY);
        if (d != day) {
            LocalDate date = LocalDate.ofEpochDay(d);
            digits(0, date.getYear(), 4);
            text[4] = '-';
            digits(5, date.getMonthValue(), 2);
            text[7] = '-';
            digits(8, date.getDayOfMonth(), 2);
            text[10] = 'T';
            day = d;
        }
        digits(11, seconds / 3600, 2);
        text[13] = ':';
        digits(14, seconds / 60 % 60, 2);
        text[16] = ':';
        digits(17, seconds % 60, 2);
        int end = 19;
        if (nano != 0) {
            // Instant.toString: the fraction in groups of three digits, as few groups as it needs
            text[end++] = '.';
            if (nano % 1_000_000 == 0) {
                digits(end, nano / 1_000_000, 3);
                end += 3;
            } else if (nano % 1000 == 0) {
                digits(end, nano / 1000, 6);
                end += 6;
            } else {
                digits(end, nano, 9);
                end += 9;
            }
        }
        text[end++] = 'Z';
        return end;
    }

    private void digits(int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
