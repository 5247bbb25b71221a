package dev.kade.features;

import java.util.Arrays;

/**
 * A scanner for the common shape of a stream record: one JSON object whose members are all scalars (numbers,
 * strings, {@code true}, {@code false}, {@code null}), its names and strings plain ASCII without escapes, and
 * nothing after it but whitespace. It answers whether the record has that shape and, if so, where each member's name
 * and value are and what each number is; {@link RecordReader} then fills its slots from that with the same rules as
 * its Jackson path, and hands every other record (nested objects, arrays, escapes, non-ASCII text, anything not
 * valid JSON, a number it cannot convert exactly and cheaply) to Jackson unchanged.
 *
 * <p>Why: Jackson costs little per token, but creating a parser per record (its context, buffers and symbol-table
 * child) and the token machinery were about a fifth of the stream thread's time for a flat nine-feature record, the
 * largest single part of kade's own work per record (docs/performance.md). This scan allocates nothing.
 *
 * <p>Numbers are the doubles Jackson's path gives: an integer of up to 18 digits is the {@code long} it spells,
 * converted ({@code -0} is {@code 0.0}, as Jackson's int path makes it); a decimal or exponent form with at most 15
 * significant digits and a decimal exponent within ±22 is the exact significand times or divided by an exact power
 * of ten (one correctly rounded operation, so the correctly rounded value Jackson's parser gives); any other number
 * is {@link Double#parseDouble} of its text, also correctly rounded. {@code FlatJsonTest} holds the scanner to
 * Jackson on generated numbers, and {@code RecordReaderAgreementTest} holds the whole reader to the tree path.
 *
 * <p>Not thread-safe: one per thread (it lives in {@link RecordReader}'s per-thread scratch).
 */
final class FlatJson {
    static final byte NUMBER = 1;
    static final byte STRING = 2;
    static final byte TRUE = 3;
    static final byte FALSE = 4;
    static final byte NULL = 5;

    /** Longest number this scanner reads itself; longer ones (and Jackson's limit) are Jackson's to judge. */
    private static final int MAX_NUMBER_CHARS = 64;
    private static final double[] POWERS_OF_TEN = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = p;
            p *= 10;
        }
    }

    private int count;
    private int[] nameStart = new int[16];
    private int[] nameLength = new int[16];
    private byte[] kind = new byte[16];
    private int[] valueStart = new int[16];
    private int[] valueLength = new int[16];
    private double[] number = new double[16];

    /** Members found by the last successful {@link #scan}. */
    int count() {
        return count;
    }

    int nameStart(int m) {
        return nameStart[m];
    }

    int nameLength(int m) {
        return nameLength[m];
    }

    byte kind(int m) {
        return kind[m];
    }

    /** A string's content (without the quotes), or a number's or literal's text. */
    int valueStart(int m) {
        return valueStart[m];
    }

    int valueLength(int m) {
        return valueLength[m];
    }

    double number(int m) {
        return number[m];
    }

    /**
     * Scans {@code b}; true when it is a flat object as the class comment describes (members then readable by
     * index), false when it is not, in which case nothing here is meaningful and the caller parses it with Jackson.
     */
    boolean scan(byte[] b) {
        count = 0;
        int n = b.length;
        int i = skipSpace(b, 0);
        if (i >= n || b[i] != '{') {
            return false;
        }
        i = skipSpace(b, i + 1);
        if (i < n && b[i] == '}') {
            return skipSpace(b, i + 1) == n;
        }
        while (true) {
            if (i >= n || b[i] != '"') {
                return false;
            }
            int start = i + 1;
            int end = plainString(b, start);
            if (end < 0) {
                return false;
            }
            i = skipSpace(b, end + 1);
            if (i >= n || b[i] != ':') {
                return false;
            }
            i = skipSpace(b, i + 1);
            if (i >= n) {
                return false;
            }
            int m = add(start, end - start);
            i = value(b, i, m);
            if (i < 0) {
                return false;
            }
            i = skipSpace(b, i);
            if (i >= n) {
                return false;
            }
            if (b[i] == '}') {
                return skipSpace(b, i + 1) == n;
            }
            if (b[i] != ',') {
                return false;
            }
            i = skipSpace(b, i + 1);
        }
    }

    /** Reads member {@code m}'s value at {@code i}; the index after it, or -1 when it is not a flat scalar. */
    private int value(byte[] b, int i, int m) {
        byte c = b[i];
        if (c == '"') {
            int end = plainString(b, i + 1);
            if (end < 0) {
                return -1;
            }
            set(m, STRING, i + 1, end - i - 1);
            return end + 1;
        }
        if (c == 't') {
            return literal(b, i, m, "true", TRUE);
        }
        if (c == 'f') {
            return literal(b, i, m, "false", FALSE);
        }
        if (c == 'n') {
            return literal(b, i, m, "null", NULL);
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return number(b, i, m);
        }
        return -1;
    }

    private int literal(byte[] b, int i, int m, String word, byte k) {
        int len = word.length();
        if (i + len > b.length) {
            return -1;
        }
        for (int j = 0; j < len; j++) {
            if (b[i + j] != word.charAt(j)) {
                return -1;
            }
        }
        if (!delimiter(b, i + len)) {
            return -1;
        }
        set(m, k, i, len);
        return i + len;
    }

    /**
     * A JSON number at {@code i} ({@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}, then a delimiter); the index
     * after it, or -1 when the text is not one (Jackson then says why).
     */
    private int number(byte[] b, int i, int m) {
        int n = b.length;
        int start = i;
        boolean negative = false;
        if (b[i] == '-') {
            negative = true;
            i++;
        }
        if (i >= n) {
            return -1;
        }
        long significand = 0;
        int digits = 0;
        int scale = 0;
        if (b[i] == '0') {
            i++;
            if (i < n && isDigit(b[i])) {
                return -1;
            }
        } else if (isDigit(b[i])) {
            while (i < n && isDigit(b[i])) {
                if (digits < 18) {
                    significand = significand * 10 + (b[i] - '0');
                    if (significand != 0) {
                        digits++;
                    }
                } else {
                    scale++;
                    digits++;
                }
                i++;
            }
        } else {
            return -1;
        }
        int integerDigits = digits;
        boolean decimal = false;
        if (i < n && b[i] == '.') {
            decimal = true;
            i++;
            if (i >= n || !isDigit(b[i])) {
                return -1;
            }
            while (i < n && isDigit(b[i])) {
                if (digits < 18) {
                    significand = significand * 10 + (b[i] - '0');
                    if (significand != 0) {
                        digits++;
                    }
                    scale--;
                } else {
                    digits++;
                }
                i++;
            }
        }
        int exponent = 0;
        if (i < n && (b[i] == 'e' || b[i] == 'E')) {
            decimal = true;
            i++;
            boolean negativeExponent = false;
            if (i < n && (b[i] == '+' || b[i] == '-')) {
                negativeExponent = b[i] == '-';
                i++;
            }
            if (i >= n || !isDigit(b[i])) {
                return -1;
            }
            while (i < n && isDigit(b[i])) {
                if (exponent < 100_000) {
                    exponent = exponent * 10 + (b[i] - '0');
                }
                i++;
            }
            if (negativeExponent) {
                exponent = -exponent;
            }
        }
        int length = i - start;
        if (length > MAX_NUMBER_CHARS || !delimiter(b, i)) {
            return -1;
        }
        double v;
        if (!decimal) {
            if (integerDigits > 18) {
                return -1;
            }
            v = negative ? (double) -significand : (double) significand;
        } else if (digits <= 15 && Math.abs(scale + exponent) <= 22) {
            int e = scale + exponent;
            double s = significand;
            v = e >= 0 ? s * POWERS_OF_TEN[e] : s / POWERS_OF_TEN[-e];
            if (negative) {
                v = -v;
            }
        } else {
            v = Double.parseDouble(new String(b, start, length, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        set(m, NUMBER, start, length);
        number[m] = v;
        return i;
    }

    /**
     * The index of the closing quote of a string whose content starts at {@code i}, or -1 when it holds an escape, a
     * control character or a byte outside ASCII (Jackson decodes and checks those) or does not end.
     */
    private static int plainString(byte[] b, int i) {
        int n = b.length;
        for (; i < n; i++) {
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if (c == '\\' || c < 0x20) {
                // also every byte >= 0x80: they are negative as Java bytes
                return -1;
            }
        }
        return -1;
    }

    private static boolean delimiter(byte[] b, int i) {
        if (i >= b.length) {
            return true;
        }
        byte c = b[i];
        return c == ',' || c == '}' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static int skipSpace(byte[] b, int i) {
        int n = b.length;
        while (i < n) {
            byte c = b[i];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                break;
            }
            i++;
        }
        return i;
    }

    private int add(int start, int length) {
        if (count == kind.length) {
            int size = count * 2;
            nameStart = Arrays.copyOf(nameStart, size);
            nameLength = Arrays.copyOf(nameLength, size);
            kind = Arrays.copyOf(kind, size);
            valueStart = Arrays.copyOf(valueStart, size);
            valueLength = Arrays.copyOf(valueLength, size);
            number = Arrays.copyOf(number, size);
        }
        nameStart[count] = start;
        nameLength[count] = length;
        return count++;
    }

    private void set(int m, byte k, int start, int length) {
        kind[m] = k;
        valueStart[m] = start;
        valueLength[m] = length;
    }
}
