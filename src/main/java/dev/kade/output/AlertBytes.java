package dev.kade.output;

import com.fasterxml.jackson.core.SerializableString;

/**
 * Writes an alert (docs/output-formats.md, "Alert format") straight into bytes: the same bytes, field for field, as
 * {@link OutputWriter}'s Jackson generator writes, without the generator. Alerts are rarer than score records but ten
 * times their size; a profile of the stream benchmark put the generator's alert path at about a twentieth of kade's
 * stream thread, and its compilation at the largest single piece of kade's JIT work (docs/performance.md).
 *
 * <p>It takes the common alert only: a per-record model's (no window), untruncated, without carried context, with no
 * key or a key of printable ASCII without {@code "} or {@code \}, and a finite percentile; {@link #write} answers false
 * for any other and the generator writes it. {@code AlertBytesTest} compares the two paths on generated alerts.
 *
 * <p>Not thread-safe: one per {@link OutputWriter}.
 */
final class AlertBytes extends JsonBytes {
    private static final byte[] KEY = ascii("{\"key\":");
    private static final byte[] FEATURES = ascii(",\"features\":{");
    private static final byte[] SCORE = ascii("},\"score\":");
    private static final byte[] THRESHOLD = ascii(",\"threshold\":");
    private static final byte[] PERCENTILE = ascii(",\"percentile\":");
    private static final byte[] SCORE_NOTE = ascii(",\"score_note\":\"" + OutputWriter.INFINITE_SCORE_NOTE + "\"");
    private static final byte[] KIND = ascii(",\"model\":{\"kind\":");
    private static final byte[] VERSION = ascii(",\"version\":");
    private static final byte[] TOP_FEATURES = ascii("},\"top_features\":[");
    private static final byte[] FEATURE = ascii("{\"feature\":");
    private static final byte[] ERROR = ascii(",\"error\":");
    private static final byte[] SHARE = ascii(",\"share\":");
    private static final byte[] EVENT_TIME = ascii("],\"event_time\":");
    private static final byte[] DETECTION_TIME = ascii(",\"detection_time\":");
    private static final byte[] TOPIC = ascii(",\"source\":{\"topic\":");
    private static final byte[] PARTITION = ascii(",\"partition\":");
    private static final byte[] OFFSET = ascii(",\"offset\":");
    private static final byte[] END = ascii("}}");

    /**
     * Writes {@code a}; false (and nothing meaningful written) when the alert is not one this class takes.
     *
     * @param threshold the model's threshold as the generator writes it
     * @param kind      the model's kind, a JSON string
     * @param version   the model's version, a JSON string
     * @param names     the model's feature names, JSON strings
     * @param topic     the source topic, a JSON string
     * @param top       the selection of top features, reused
     */
    boolean write(Alert a, SerializableString threshold, SerializableString kind, SerializableString version,
                  SerializableString[] names, SerializableString topic, TopFeatures top) {
        if (a.series() != null || (a.key() != null && !plain(a.key()))) {
            return false;
        }
        double percentile = OutputWriter.round(a.model().percentile(a.score()));
        if (!Double.isFinite(percentile)) {
            return false;
        }
        reset();
        put(KEY);
        if (a.key() == null) {
            put(NULL);
        } else {
            put('"');
            put(a.key());
            put('"');
        }
        put(FEATURES);
        int width = names.length;
        float[] features = a.features();
        int offset = a.offset();
        for (int j = 0; j < width; j++) {
            if (j > 0) {
                put(',');
            }
            putQuoted(names[j]);
            put(':');
            putFloat(features[offset + j]);
        }
        put(SCORE);
        putFloat(a.score());
        put(THRESHOLD);
        put(threshold.asUnquotedUTF8());
        put(PERCENTILE);
        putFourDecimals(percentile);
        if (!Float.isFinite(a.score())) {
            put(SCORE_NOTE);
        }
        put(KIND);
        putQuoted(kind);
        put(VERSION);
        putQuoted(version);
        put(TOP_FEATURES);
        float[] errors = a.featureErrors();
        int n = top.select(errors, offset, width, a.topFeatures());
        for (int k = 0; k < n; k++) {
            int j = top.column(k);
            float e = errors[offset + j];
            if (k > 0) {
                put(',');
            }
            put(FEATURE);
            putQuoted(names[j]);
            put(ERROR);
            putFloat(e);
            put(SHARE);
            putFourDecimals(top.share(e));
            put('}');
        }
        put(EVENT_TIME);
        putQuotedTime(a.eventTime());
        put(DETECTION_TIME);
        putQuotedTime(a.detectionTime());
        put(TOPIC);
        putQuoted(topic);
        put(PARTITION);
        putAscii(Integer.toString(a.source().partition()));
        put(OFFSET);
        putAscii(Long.toString(a.source().offset()));
        put(END);
        return true;
    }
}
