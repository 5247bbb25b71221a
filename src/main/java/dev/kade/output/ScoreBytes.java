package dev.kade.output;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.NumberOutput;

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
final class ScoreBytes extends JsonBytes {
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
        reset();
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
}
