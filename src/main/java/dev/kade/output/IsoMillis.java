package dev.kade.output;

import java.time.Instant;
import java.time.LocalDate;

/**
 * An epoch-millisecond time as the text {@link Instant#toString()} gives for it ({@code 2026-11-25T11:59:58.123Z},
 * or {@code 2026-11-25T11:59:58Z} on a whole second), written into a reused {@code char[]}: every windowed score
 * record carries its event time, and {@code Instant.toString} (a {@code DateTimeFormatter} and two
 * {@code StringBuilder}s) was a tenth of rendering one. The date part is computed once per day.
 *
 * <p>Years 0000 to 9999 only: {@link #format} answers -1 outside them, where the caller falls back to
 * {@code Instant.toString} (which then adds a sign or more digits).
 *
 * <p>Not thread-safe: one per {@link OutputWriter}.
 */
final class IsoMillis {
    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z. */
    static final long MIN = Instant.parse("0000-01-01T00:00:00Z").toEpochMilli();
    static final long MAX = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    private final char[] text = new char[24];
    private long day = Long.MIN_VALUE;

    /** The text of the last {@link #format}, in {@code [0, length)}. */
    char[] text() {
        return text;
    }

    /** Writes {@code epochMillis}'s text into {@link #text()} and answers its length, or -1 when out of range. */
    int format(long epochMillis) {
        if (epochMillis < MIN || epochMillis > MAX) {
            return -1;
        }
        long d = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        int msOfDay = (int) Math.floorMod(epochMillis, MILLIS_PER_DAY);
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
        int seconds = msOfDay / 1000;
        int millis = msOfDay % 1000;
        digits(11, seconds / 3600, 2);
        text[13] = ':';
        digits(14, seconds / 60 % 60, 2);
        text[16] = ':';
        digits(17, seconds % 60, 2);
        if (millis == 0) {
            text[19] = 'Z';
            return 20;
        }
        text[19] = '.';
        digits(20, millis, 3);
        text[23] = 'Z';
        return 24;
    }

    private void digits(int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
