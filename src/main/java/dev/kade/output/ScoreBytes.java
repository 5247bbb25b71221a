package dev.kade.output;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.NumberOutput;
import java.util.Arrays;

/**
 * Writes a score record (docs/output-formats.md, "Scores format") straight into bytes: the same bytes, field for
 * field, as {@link OutputWriter}'s Jackson generator writes, without the generator's per-token bookkeeping. The score
 * record is the stream's hottest output (one per input when the scores topic is on), and a profile put the generator
 * path at about a sixth of kade's stream thread after the flat reader (docs/performance.md).
 *
 * <p>It takes the common record only: no latent code, and an entity (windowed models) of printable ASCII without
 * {@code "} or {@code \}; {@link #write} answers false for any other record and the generator writes it. Numbers are
 * Jackson's own text ({@link NumberOutput} with the fast writer, the shortest decimal that reads back as the same
 * float or double), strings the model's and topic's pre-encoded forms. {@code ScoreBytesTest} compares the two paths
 * on generated records, every field and edge value included.
 *
 * <p>Not thread-safe: one per {@link OutputWriter}.
 */
final class ScoreBytes {
    private static final byte[] SCORE = ascii("{\"score\":");
    private static final byte[] THRESHOLD = ascii(",\"threshold\":");
    private static final byte[] ANOMALY = ascii(",\"anomaly\":");
    private static final byte[] MUTED = ascii(",\"muted\":true");
    private static final byte[] PERCENTILE = ascii(",\"percentile\":");
    private static final byte[] SCORE_NOTE = ascii(",\"score_note\":\"" + OutputWriter.INFINITE_SCORE_NOTE + "\"");
    private static final byte[] MODEL_VERSION = ascii(",\"model_version\":");
    private static final byte[] ENTITY = ascii(",\"entity\":\"");
    private static final byte[] EVENT_TIME = ascii("\",\"event_time\":\"");
    private static final byte[] WARMING_UP = ascii("\",\"warming_up\":");
    private static final byte[] LIKELIHOOD = ascii(",\"likelihood\":");
    private static final byte[] ANOMALY_SCORE = ascii(",\"anomaly_score\":");
    private static final byte[] IMPUTED = ascii(",\"imputed\":true");
    private static final byte[] LATE = ascii(",\"late\":true");
    private static final byte[] GAP = ascii(",\"gap\":true");
    private static final byte[] TOPIC = ascii(",\"source\":{\"topic\":\"");
    private static final byte[] PARTITION = ascii("\",\"partition\":");
    private static final byte[] OFFSET = ascii(",\"offset\":");
    private static final byte[] END = ascii("}}");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] NULL = ascii("null");

    private byte[] buf = new byte[512];
    private int size;
    private final IsoInstant times = new IsoInstant();
    private final char[] digits = new char[16];

    /** Bytes of the last record written. */
    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    int size() {
        return size;
    }

    /**
     * Writes {@code s}; false (and nothing meaningful written) when the record is not one this class takes (a latent
     * code, an entity that needs escaping, a percentile that is not a finite number).
     *
     * @param threshold the model's threshold as the generator writes it
     * @param version   the model's version, JSON-quoted content (no surrounding quotes)
     * @param topic     the source topic, JSON-quoted content (no surrounding quotes)
     */
    boolean write(ScoreRecord s, SerializableString threshold, SerializableString version, SerializableString topic) {
        SeriesScore series = s.series();
        if (s.latent() != null || (series != null && !plain(series.entity()))) {
            return false;
        }
        double percentile = OutputWriter.round(s.model().percentile(s.score()));
        if (!Double.isFinite(percentile)) {
            return false;
        }
        size = 0;
        put(SCORE);
        putFloat(s.score());
        put(THRESHOLD);
        put(threshold.asUnquotedUTF8());
        put(ANOMALY);
        put(s.anomaly() ? TRUE : FALSE);
        if (s.muted()) {
            put(MUTED);
        }
        put(PERCENTILE);
        putFourDecimals(percentile);
        if (!Float.isFinite(s.score())) {
            put(SCORE_NOTE);
        }
        put(MODEL_VERSION);
        putQuoted(version);
        if (series != null) {
            put(ENTITY);
            putAscii(series.entity());
            put(EVENT_TIME);
            putTime(series.eventTime());
            put(WARMING_UP);
            put(series.warmingUp() ? TRUE : FALSE);
            put(LIKELIHOOD);
            putDouble(series.likelihood());
            put(ANOMALY_SCORE);
            putDouble(series.anomalyScore());
            if (series.imputed()) {
                put(IMPUTED);
            }
            if (series.late()) {
                put(LATE);
            }
            if (series.gap()) {
                put(GAP);
            }
        }
        put(TOPIC);
        put(topic.asQuotedUTF8());
        put(PARTITION);
        putAscii(Integer.toString(s.source().partition()));
        put(OFFSET);
        putAscii(Long.toString(s.source().offset()));
        put(END);
        return true;
    }

    /** Printable ASCII without a quote or backslash: text the generator writes as it is. */
    private static boolean plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private void putFloat(float f) {
        if (Float.isFinite(f)) {
            putAscii(NumberOutput.toString(f, true));
        } else {
            put(NULL);
        }
    }

    private void putDouble(double d) {
        if (Double.isFinite(d)) {
            putAscii(NumberOutput.toString(d, true));
        } else {
            put(NULL);
        }
    }

    private void putFourDecimals(double v) {
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

    private void putTime(long epochMillis) {
        int n = times.format(epochMillis);
        if (n < 0) {
            putAscii(java.time.Instant.ofEpochMilli(epochMillis).toString());
            return;
        }
        char[] t = times.text();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) t[i];
        }
    }

    private void putQuoted(SerializableString s) {
        ensure(1);
        buf[size++] = '"';
        put(s.asQuotedUTF8());
        ensure(1);
        buf[size++] = '"';
    }

    private void putAscii(String text) {
        int n = text.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) text.charAt(i);
        }
    }

    private void put(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
