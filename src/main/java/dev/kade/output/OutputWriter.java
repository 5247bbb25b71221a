package dev.kade.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.kade.model.ModelMetadata;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Renders {@link Alert}s and {@link ScoreRecord}s as JSON with one reused {@link JsonGenerator} over one
 * reused buffer: no tree, no per-record mapper work. Field names and order are a public format (README
 * "Alert format" and "Scores format"); golden files under {@code src/test/resources/golden} hold them.
 *
 * <p>Every output fits {@link OutputLimits} together with its key. An alert that would not is rendered
 * again with less, and says so with {@code "truncated": true}: first the {@code key} text is cut to
 * {@value #KEY_TEXT_LIMIT} characters, then the {@code features} object is left out and
 * {@code top_features} kept to {@value #TRUNCATED_TOP_FEATURES}. What still does not fit (a key near
 * the limit on its own) is an {@link OutputTooLargeException}, which the caller turns into a dead letter.
 *
 * <p>Numbers: a float is written as the shortest decimal that reads back as the same float, and a double as the
 * shortest that reads back as the same double (Jackson's Schubfach writer, {@link StreamWriteFeature#USE_FAST_DOUBLE_WRITER},
 * the algorithm of JDK 19's {@code Float.toString}/{@code Double.toString}), with no detour through a parsed
 * string. What stays the same for a model (its threshold, version and kind) and for a source topic is rendered
 * once and copied as bytes into each record: the score record is the stream's hottest output.
 *
 * <p>Not thread-safe: one writer per stream task (processor instance), which owns its buffer.
 */
public final class OutputWriter {
    /** Characters of the key text an alert keeps once truncated. */
    public static final int KEY_TEXT_LIMIT = 256;
    /** Contributing features a truncated alert keeps at most. */
    public static final int TRUNCATED_TOP_FEATURES = 3;
    /** The {@code score_note} of a score that overflowed to infinity. */
    public static final String INFINITE_SCORE_NOTE = "the score overflowed float32 (feature values far outside the"
            + " training range); ranked at the maximum percentile";

    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

    private static final SerializedString SCORE = new SerializedString("score");
    private static final SerializedString THRESHOLD = new SerializedString("threshold");
    private static final SerializedString ANOMALY = new SerializedString("anomaly");
    private static final SerializedString PERCENTILE = new SerializedString("percentile");
    private static final SerializedString MODEL_VERSION = new SerializedString("model_version");
    private static final SerializedString SOURCE = new SerializedString("source");
    private static final SerializedString TOPIC = new SerializedString("topic");
    private static final SerializedString PARTITION = new SerializedString("partition");
    private static final SerializedString OFFSET = new SerializedString("offset");
    private static final SerializedString ENTITY = new SerializedString("entity");
    private static final SerializedString EVENT_TIME = new SerializedString("event_time");
    private static final SerializedString WARMING_UP = new SerializedString("warming_up");
    private static final SerializedString LIKELIHOOD = new SerializedString("likelihood");
    private static final SerializedString ANOMALY_SCORE = new SerializedString("anomaly_score");
    private static final SerializedString FEATURE = new SerializedString("feature");
    private static final SerializedString ERROR = new SerializedString("error");
    private static final SerializedString SHARE = new SerializedString("share");

    private final OutputLimits limits;
    private final Buffer buffer = new Buffer();
    private JsonGenerator gen;
    private final TopFeatures top = new TopFeatures();
    /** The last model rendered and its constant parts, pre-encoded (a model serves many records in a row). */
    private ModelMetadata fragmentsOf;
    private ModelFragments fragments;
    /** The last source topic rendered, and its text pre-encoded. */
    private String topicOf;
    private SerializedString topic;
    private final IsoInstant times = new IsoInstant();
    /** The score record's writer without the generator. */
    private final ScoreBytes scoreBytes = new ScoreBytes();
    private final AlertBytes alertBytes = new AlertBytes();
    /** Scratch for a number written from its digits ({@link #writeFourDecimals}). */
    private final char[] digits = new char[16];

    public OutputWriter(OutputLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.gen = newGenerator();
    }

    public OutputLimits limits() {
        return limits;
    }

    /** The alert's value bytes, truncated if needed to fit with its key. */
    public byte[] alert(Alert a) throws OutputTooLargeException {
        ModelFragments m = fragments(a.model());
        if (alertBytes.write(a, m.threshold(), m.kind(), m.version(), m.features(), topic(a.source().topic()), top)
                && limits.fits(a.key(), alertBytes.size(), 0)) {
            return alertBytes.toByteArray();
        }
        return alertWithGenerator(a);
    }

    /**
     * {@link #alert(Alert)} as the Jackson generator writes it: every alert, truncated where it must be (the reference
     * in tests; {@link AlertBytes} writes the common alert whole, the same bytes).
     */
    byte[] alertWithGenerator(Alert a) throws OutputTooLargeException {
        for (Truncation t : Truncation.values()) {
            render(() -> writeAlert(a, t, CarriedContext.NONE));
            if (limits.fits(a.key(), buffer.size(), 0)) {
                return buffer.toByteArray();
            }
        }
        throw new OutputTooLargeException("alert does not fit output.max.bytes=" + limits.maxBytes() + " even truncated (key "
                + (a.key() == null ? 0 : a.key().length) + " bytes)");
    }

    /**
     * The alert with its record's carried context (docs/output-formats.md "Carried context"): the fields in its
     * {@code context} object and the copied headers. An alert that does not fit with its context whole is sent
     * without it (fields and headers), truncated as {@link #alert(Alert)} if still needed, and says so in
     * {@link RenderedOutput#contextDropped()}; the context never makes an alert fail.
     */
    public RenderedOutput alert(Alert a, CarriedContext c) throws OutputTooLargeException {
        if (!c.isEmpty()) {
            render(() -> writeAlert(a, Truncation.NONE, c));
            if (limits.fits(a.key(), buffer.size(), c.headerBytes())) {
                return new RenderedOutput(buffer.toByteArray(), c.newHeaders(), false);
            }
        }
        return new RenderedOutput(alert(a), new RecordHeaders(), !c.isEmpty());
    }

    /** The score record with its record's carried context, as {@link #alert(Alert, CarriedContext)} carries it. */
    public RenderedOutput score(ScoreRecord s, byte[] key, CarriedContext c) throws OutputTooLargeException {
        if (!c.isEmpty()) {
            render(() -> writeScore(s, c));
            if (limits.fits(key, buffer.size(), c.headerBytes())) {
                return new RenderedOutput(buffer.toByteArray(), c.newHeaders(), false);
            }
        }
        return new RenderedOutput(score(s, key), new RecordHeaders(), !c.isEmpty());
    }

    /**
     * The score record's value bytes; {@code key} is the record key it will be sent with. The common record is written
     * by {@link ScoreBytes} without the generator, the same bytes; others by the generator.
     */
    public byte[] score(ScoreRecord s, byte[] key) throws OutputTooLargeException {
        ModelFragments m = fragments(s.model());
        if (scoreBytes.write(s, m.threshold(), m.version(), topic(s.source().topic()))) {
            if (!limits.fits(key, scoreBytes.size(), 0)) {
                throw tooLarge(key);
            }
            return scoreBytes.toByteArray();
        }
        return scoreWithGenerator(s, key);
    }

    /** {@link #score(ScoreRecord, byte[])} as the Jackson generator writes it (every record; the reference in tests). */
    byte[] scoreWithGenerator(ScoreRecord s, byte[] key) throws OutputTooLargeException {
        render(() -> writeScore(s, CarriedContext.NONE));
        if (!limits.fits(key, buffer.size(), 0)) {
            throw tooLarge(key);
        }
        return buffer.toByteArray();
    }

    private OutputTooLargeException tooLarge(byte[] key) {
        return new OutputTooLargeException("score record does not fit output.max.bytes=" + limits.maxBytes() + " (key "
                + (key == null ? 0 : key.length) + " bytes)");
    }

    /** A small JSON object standing in for a dead letter too large to send (see {@link DeadLetters}). */
    byte[] reference(DeadLetterReason reason, Source source, int keyBytes, int valueBytes, int headerBytes) {
        render(() -> {
            gen.writeStartObject();
            gen.writeBooleanField("reference", true);
            gen.writeStringField("reason", reason.label());
            writeSource(source);
            gen.writeObjectFieldStart("size");
            gen.writeNumberField("key", keyBytes);
            gen.writeNumberField("value", valueBytes);
            gen.writeNumberField("headers", headerBytes);
            gen.writeEndObject();
            gen.writeEndObject();
        });
        return buffer.toByteArray();
    }

    private enum Truncation { NONE, KEY, KEY_AND_FEATURES }

    private interface Body {
        void write() throws IOException;
    }

    private void render(Body body) {
        buffer.reset();
        try {
            body.write();
            gen.flush();
        } catch (IOException | RuntimeException e) {
            // a generator left inside an object would corrupt every later output: start a fresh one
            gen = newGenerator();
            buffer.reset();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot render JSON", io);
            }
            throw (RuntimeException) e;
        }
    }

    private void writeAlert(Alert a, Truncation t, CarriedContext c) throws IOException {
        List<String> names = a.model().features();
        int width = names.size();
        ModelFragments m = fragments(a.model());
        gen.writeStartObject();
        gen.writeFieldName("key");
        if (a.key() == null) {
            gen.writeNull();
        } else {
            String key = new String(a.key(), StandardCharsets.UTF_8);
            gen.writeString(t == Truncation.NONE ? key : cut(key, KEY_TEXT_LIMIT));
        }
        if (t != Truncation.KEY_AND_FEATURES) {
            gen.writeObjectFieldStart("features");
            for (int j = 0; j < width; j++) {
                gen.writeFieldName(m.features()[j]);
                writeFloat(a.features()[a.offset() + j]);
            }
            gen.writeEndObject();
        }
        writeScoreFields(a.score(), m, a.model().percentile(a.score()));
        gen.writeObjectFieldStart("model");
        gen.writeFieldName("kind");
        gen.writeString(m.kind());
        gen.writeFieldName("version");
        gen.writeString(m.version());
        gen.writeEndObject();
        int top = t == Truncation.KEY_AND_FEATURES ? Math.min(a.topFeatures(), TRUNCATED_TOP_FEATURES) : a.topFeatures();
        writeTopFeatures(m.features(), a.featureErrors(), a.offset(), top);
        if (a.series() != null) {
            writeSeriesAlert(a.series(), names, t != Truncation.KEY_AND_FEATURES);
        }
        gen.writeFieldName("event_time");
        writeTime(a.eventTime());
        gen.writeFieldName("detection_time");
        writeTime(a.detectionTime());
        writeContext(c);
        writeSource(a.source());
        if (t != Truncation.NONE) {
            gen.writeBooleanField("truncated", true);
        }
        gen.writeEndObject();
    }

    private void writeScore(ScoreRecord s, CarriedContext c) throws IOException {
        ModelFragments m = fragments(s.model());
        gen.writeStartObject();
        gen.writeFieldName(SCORE);
        writeFloat(s.score());
        gen.writeFieldName(THRESHOLD);
        gen.writeRawValue(m.threshold());
        gen.writeFieldName(ANOMALY);
        gen.writeBoolean(s.anomaly());
        if (s.muted()) {
            gen.writeBooleanField("muted", true);
        }
        gen.writeFieldName(PERCENTILE);
        writeFourDecimals(round(s.model().percentile(s.score())));
        if (!Float.isFinite(s.score())) {
            gen.writeStringField("score_note", INFINITE_SCORE_NOTE);
        }
        gen.writeFieldName(MODEL_VERSION);
        gen.writeString(m.version());
        if (s.series() != null) {
            writeSeriesScore(s.series());
        }
        if (s.latent() != null) {
            gen.writeArrayFieldStart("latent");
            for (int k = 0; k < s.latentWidth(); k++) {
                writeFloat(s.latent()[s.latentOffset() + k]);
            }
            gen.writeEndArray();
        }
        writeContext(c);
        writeSource(s.source());
        gen.writeEndObject();
    }

    /** The entity's fields of a windowed model's score record (README "Scores format"). */
    private void writeSeriesScore(SeriesScore s) throws IOException {
        gen.writeFieldName(ENTITY);
        gen.writeString(s.entity());
        gen.writeFieldName(EVENT_TIME);
        writeTime(s.eventTime());
        gen.writeFieldName(WARMING_UP);
        gen.writeBoolean(s.warmingUp());
        gen.writeFieldName(LIKELIHOOD);
        writeDouble(s.likelihood());
        // full precision: rounding would make ties a threshold sweep (NAB) cannot separate
        gen.writeFieldName(ANOMALY_SCORE);
        writeDouble(s.anomalyScore());
        if (s.imputed()) {
            gen.writeBooleanField("imputed", true);
        }
        if (s.late()) {
            gen.writeBooleanField("late", true);
        }
        if (s.gap()) {
            gen.writeBooleanField("gap", true);
        }
    }

    /**
     * A windowed model's alert part: the entity, its likelihood, the newest steps of the window next to the
     * model's expected values (left out when truncating), and the step and feature furthest off.
     */
    private void writeSeriesAlert(SeriesAlert s, List<String> names, boolean withWindow) throws IOException {
        int f = names.size();
        gen.writeStringField("entity", s.score().entity());
        gen.writeFieldName("likelihood");
        writeDouble(s.score().likelihood());
        // full precision: rounding would make ties a threshold sweep (NAB) cannot separate
        gen.writeFieldName("anomaly_score");
        writeDouble(s.score().anomalyScore());
        int first = s.steps() - s.shownSteps();
        if (withWindow && s.shownSteps() > 0) {
            gen.writeObjectFieldStart("window");
            gen.writeNumberField("steps", s.shownSteps());
            writeSteps("actual", s.window(), s.offset(), first, s.steps(), names);
            if (s.expected() != null) {
                writeSteps("expected", s.expected(), s.offset(), first, s.steps(), names);
            }
            gen.writeEndObject();
        }
        gen.writeObjectFieldStart("off");
        int j = s.offFeature();
        gen.writeStringField("feature", names.get(j));
        if (s.offStep() >= 0) {
            int step = s.steps() - 1 - s.offStep();
            gen.writeNumberField("steps_back", s.offStep());
            gen.writeFieldName("actual");
            writeFloat(s.window()[s.offset() + step * f + j]);
            gen.writeFieldName("expected");
            writeFloat(s.expected()[s.offset() + step * f + j]);
        }
        gen.writeEndObject();
    }

    /** {@code name}: each feature's values over steps {@code [first, steps)}, oldest first. */
    private void writeSteps(String name, float[] values, int offset, int first, int steps, List<String> names) throws IOException {
        int f = names.size();
        gen.writeObjectFieldStart(name);
        for (int j = 0; j < f; j++) {
            gen.writeArrayFieldStart(names.get(j));
            for (int t = first; t < steps; t++) {
                writeFloat(values[offset + t * f + j]);
            }
            gen.writeEndArray();
        }
        gen.writeEndObject();
    }

    private void writeDouble(double d) throws IOException {
        if (Double.isFinite(d)) {
            gen.writeNumber(d);
        } else {
            gen.writeNull();
        }
    }

    private void writeScoreFields(float score, ModelFragments m, double percentile) throws IOException {
        gen.writeFieldName(SCORE);
        writeFloat(score);
        gen.writeFieldName(THRESHOLD);
        gen.writeRawValue(m.threshold());
        gen.writeFieldName(PERCENTILE);
        writeFourDecimals(round(percentile));
        if (!Float.isFinite(score)) {
            gen.writeStringField("score_note", INFINITE_SCORE_NOTE);
        }
    }

    /** The features with the largest errors, largest first (ties by column), each with its share of the total. */
    private void writeTopFeatures(SerializableString[] names, float[] errors, int offset, int limit) throws IOException {
        int n = top.select(errors, offset, names.length, limit);
        gen.writeArrayFieldStart("top_features");
        for (int k = 0; k < n; k++) {
            int j = top.column(k);
            float e = errors[offset + j];
            gen.writeStartObject();
            gen.writeFieldName(FEATURE);
            gen.writeString(names[j]);
            gen.writeFieldName(ERROR);
            writeFloat(e);
            gen.writeFieldName(SHARE);
            writeFourDecimals(top.share(e));
            gen.writeEndObject();
        }
        gen.writeEndArray();
    }

    /** The carried fields as {@code "context": {...}}, each as the JSON type it had; nothing when there are none. */
    private void writeContext(CarriedContext c) throws IOException {
        if (c.fields().isEmpty()) {
            return;
        }
        gen.writeObjectFieldStart("context");
        for (CarriedContext.Field f : c.fields()) {
            gen.writeFieldName(f.name());
            switch (f.kind()) {
                case STRING -> gen.writeString(f.text());
                case NUMBER -> gen.writeNumber(f.text());
                case BOOLEAN -> gen.writeBoolean(Boolean.parseBoolean(f.text()));
                case NULL -> gen.writeNull();
            }
        }
        gen.writeEndObject();
    }

    private void writeSource(Source s) throws IOException {
        gen.writeFieldName(SOURCE);
        gen.writeStartObject();
        gen.writeFieldName(TOPIC);
        gen.writeString(topic(s.topic()));
        gen.writeFieldName(PARTITION);
        gen.writeNumber(s.partition());
        gen.writeFieldName(OFFSET);
        gen.writeNumber(s.offset());
        gen.writeEndObject();
    }

    /**
     * A float as the shortest decimal that reads back as the same float (5.6, not 5.599999904632568); null when
     * not finite.
     */
    private void writeFloat(float f) throws IOException {
        if (Float.isFinite(f)) {
            gen.writeNumber(f);
        } else {
            gen.writeNull();
        }
    }

    /** A time as {@link java.time.Instant#toString()} writes it, without building a String. */
    private void writeTime(java.time.Instant t) throws IOException {
        int n = times.format(t.getEpochSecond(), t.getNano());
        if (n < 0) {
            gen.writeString(t.toString());
        } else {
            gen.writeString(times.text(), 0, n);
        }
    }

    /** An epoch-millisecond time as {@link java.time.Instant#toString()} writes it, without building a String. */
    private void writeTime(long epochMillis) throws IOException {
        int n = times.format(epochMillis);
        if (n < 0) {
            gen.writeString(java.time.Instant.ofEpochMilli(epochMillis).toString());
        } else {
            gen.writeString(times.text(), 0, n);
        }
    }

    /**
     * A value {@link #round} rounded to four decimals (a percentile, a share), as the generator would write it, but
     * from its digits: the shortest decimal of the double nearest k/10,000 is k/10,000 itself (any other decimal of
     * at most four places is 1e-4 away, far beyond an ulp), in plain notation from 0.001 to 1e7 ({@code 40.0},
     * {@code 99.9731}). Outside that range (scientific notation) and for non-finite values the generator writes it.
     */
    private void writeFourDecimals(double v) throws IOException {
        int start = fourDecimals(v, digits);
        if (start < 0) {
            gen.writeNumber(v);
        } else {
            gen.writeRawValue(digits, start, digits.length - start);
        }
    }

    /**
     * Writes the text of {@code v} (a value rounded to four decimals) at the end of {@code out} (16 chars) and answers
     * where it starts, or -1 when {@code v} is negative, -0.0, non-finite or outside [0.001, 1e7) and not 0.
     */
    static int fourDecimals(double v, char[] out) {
        boolean zero = Double.doubleToRawLongBits(v) == 0L;
        if (!(zero || (v >= 1e-3 && v < 1e7))) {
            return -1;
        }
        long k = Math.round(v * 10_000.0);
        long whole = k / 10_000;
        int frac = (int) (k % 10_000);
        int end = out.length;
        // the fraction without trailing zeros, at least one digit
        int places = 4;
        while (places > 1 && frac % 10 == 0) {
            frac /= 10;
            places--;
        }
        for (int p = 0; p < places; p++) {
            out[--end] = (char) ('0' + frac % 10);
            frac /= 10;
        }
        out[--end] = '.';
        do {
            out[--end] = (char) ('0' + whole % 10);
            whole /= 10;
        } while (whole > 0);
        return end;
    }

    /** The model's constant parts, rendered once per model (compared by identity: a model is immutable). */
    private ModelFragments fragments(ModelMetadata model) {
        if (model != fragmentsOf) {
            fragments = ModelFragments.of(model);
            fragmentsOf = model;
        }
        return fragments;
    }

    private SerializedString topic(String name) {
        if (name != topicOf) {
            if (topicOf == null || !topicOf.equals(name)) {
                topic = new SerializedString(name);
            }
            topicOf = name;
        }
        return topic;
    }

    /**
     * What every output of one model repeats, pre-encoded: the threshold's number text (as the generator
     * would write it), the version and the kind as JSON strings, and the feature names (alerts name them).
     */
    private record ModelFragments(SerializableString threshold, SerializableString version, SerializableString kind,
                                  SerializableString[] features) {
        static ModelFragments of(ModelMetadata m) {
            double t = m.threshold();
            // a threshold is finite (ModelMetadata checks it); NaN and infinities would need quoting
            String text = NumberOutput.toString(t, true);
            return new ModelFragments(new SerializedString(text), new SerializedString(m.version()),
                    new SerializedString(m.kind().label()),
                    m.features().stream().map(SerializedString::new).toArray(SerializableString[]::new));
        }
    }

    static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 10_000.0) / 10_000.0 : v;
    }

    private static String cut(String s, int limit) {
        if (s.length() <= limit) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(limit - 1)) ? limit - 1 : limit;
        return s.substring(0, end);
    }

    private JsonGenerator newGenerator() {
        try {
            JsonGenerator g = JSON.createGenerator(buffer);
            g.setRootValueSeparator(null);
            return g;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A byte buffer that is reset, not reallocated, between outputs. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(1024);
        }

        @Override
        public synchronized byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }
    }
}
