package dev.kade.output;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.NumberOutput;
import java.util.Arrays;

/**
 * A growing byte buffer with the pieces {@link ScoreBytes} and {@link AlertBytes} write outputs from: numbers as
 * Jackson's fast writer spells them ({@link NumberOutput}, the shortest decimal that reads back as the same float or
 * double), times as {@link java.time.Instant#toString()} does, and pre-encoded strings. Each piece writes exactly the
 * bytes the generator writes for the same value, which is what lets the subclasses skip the generator; their tests
 * compare the two paths.
 *
 * <p>Not thread-safe: one per {@link OutputWriter}.
 */
abstract class JsonBytes {
    static final byte[] TRUE = ascii("true");
    static final byte[] FALSE = ascii("false");
    static final byte[] NULL = ascii("null");

    private byte[] buf = new byte[512];
    private int size;
    private final IsoInstant times = new IsoInstant();
    private final char[] digits = new char[16];

    /** Bytes of the last output written. */
    final byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    final int size() {
        return size;
    }

    /** Starts a new output. */
    final void reset() {
        size = 0;
    }

    /** Printable ASCII without a quote or backslash: text the generator writes as it is. */
    static boolean plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** {@link #plain(String)} for the UTF-8 bytes of a text (every byte of a non-ASCII character is above 0x7e). */
    static boolean plain(byte[] text) {
        for (byte c : text) {
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    final void putFloat(float f) {
        if (Float.isFinite(f)) {
            putAscii(NumberOutput.toString(f, true));
        } else {
            put(NULL);
        }
    }

    final void putDouble(double d) {
        if (Double.isFinite(d)) {
            putAscii(NumberOutput.toString(d, true));
        } else {
            put(NULL);
        }
    }

    /** A finite value {@link OutputWriter#round rounded} to four decimals, as {@code OutputWriter} writes it. */
    final void putFourDecimals(double v) {
        int start = OutputWriter.fourDecimals(v, digits);
        if (start < 0) {
            // outside plain four-decimal text: the generator's shortest text for a (finite) double
            putAscii(NumberOutput.toString(v, true));
            return;
        }
        ensure(digits.length - start);
        for (int i = start; i < digits.length; i++) {
            buf[size++] = (byte) digits[i];
        }
    }

    /** An epoch-millisecond time, unquoted. */
    final void putTime(long epochMillis) {
        int n = times.format(epochMillis);
        if (n < 0) {
            putAscii(java.time.Instant.ofEpochMilli(epochMillis).toString());
            return;
        }
        putTimeText(n);
    }

    /** A time, quoted. */
    final void putQuotedTime(java.time.Instant t) {
        put('"');
        int n = times.format(t.getEpochSecond(), t.getNano());
        if (n < 0) {
            putAscii(t.toString());
        } else {
            putTimeText(n);
        }
        put('"');
    }

    private void putTimeText(int n) {
        char[] t = times.text();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) t[i];
        }
    }

    final void putQuoted(SerializableString s) {
        put('"');
        put(s.asQuotedUTF8());
        put('"');
    }

    final void putAscii(String text) {
        int n = text.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) text.charAt(i);
        }
    }

    final void put(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }

    final void put(char c) {
        ensure(1);
        buf[size++] = (byte) c;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
