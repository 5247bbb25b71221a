package dev.kade.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
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

    private static final JsonFactory JSON = new JsonFactory();

    private final OutputLimits limits;
    private final Buffer buffer = new Buffer();
    private JsonGenerator gen;
    private int[] order = new int[0];

    public OutputWriter(OutputLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.gen = newGenerator();
    }

    public OutputLimits limits() {
        return limits;
    }

    /** The alert's value bytes, truncated if needed to fit with its key. */
    public byte[] alert(Alert a) throws OutputTooLargeException {
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

    /** The score record's value bytes; {@code key} is the record key it will be sent with. */
    public byte[] score(ScoreRecord s, byte[] key) throws OutputTooLargeException {
        render(() -> writeScore(s, CarriedContext.NONE));
        if (!limits.fits(key, buffer.size(), 0)) {
            throw new OutputTooLargeException("score record does not fit output.max.bytes=" + limits.maxBytes() + " (key "
                    + (key == null ? 0 : key.length) + " bytes)");
        }
        return buffer.toByteArray();
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
                gen.writeFieldName(names.get(j));
                writeFloat(a.features()[a.offset() + j]);
            }
            gen.writeEndObject();
        }
        writeScoreFields(a.score(), a.model().threshold(), a.model().percentile(a.score()));
        gen.writeObjectFieldStart("model");
        gen.writeStringField("kind", a.model().kind().label());
        gen.writeStringField("version", a.model().version());
        gen.writeEndObject();
        int top = t == Truncation.KEY_AND_FEATURES ? Math.min(a.topFeatures(), TRUNCATED_TOP_FEATURES) : a.topFeatures();
        writeTopFeatures(names, a.featureErrors(), a.offset(), top);
        if (a.series() != null) {
            writeSeriesAlert(a.series(), names, t != Truncation.KEY_AND_FEATURES);
        }
        gen.writeStringField("event_time", a.eventTime().toString());
        gen.writeStringField("detection_time", a.detectionTime().toString());
        writeContext(c);
        writeSource(a.source());
        if (t != Truncation.NONE) {
            gen.writeBooleanField("truncated", true);
        }
        gen.writeEndObject();
    }

    private void writeScore(ScoreRecord s, CarriedContext c) throws IOException {
        gen.writeStartObject();
        gen.writeFieldName("score");
        writeFloat(s.score());
        gen.writeNumberField("threshold", s.model().threshold());
        gen.writeBooleanField("anomaly", s.anomaly());
        gen.writeNumberField("percentile", round(s.model().percentile(s.score())));
        if (!Float.isFinite(s.score())) {
            gen.writeStringField("score_note", INFINITE_SCORE_NOTE);
        }
        gen.writeStringField("model_version", s.model().version());
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
        gen.writeStringField("entity", s.entity());
        gen.writeStringField("event_time", java.time.Instant.ofEpochMilli(s.eventTime()).toString());
        gen.writeBooleanField("warming_up", s.warmingUp());
        gen.writeFieldName("likelihood");
        writeDouble(s.likelihood());
        // full precision: rounding would make ties a threshold sweep (NAB) cannot separate
        gen.writeFieldName("anomaly_score");
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

    private void writeScoreFields(float score, double threshold, double percentile) throws IOException {
        gen.writeFieldName("score");
        writeFloat(score);
        gen.writeNumberField("threshold", threshold);
        gen.writeNumberField("percentile", round(percentile));
        if (!Float.isFinite(score)) {
            gen.writeStringField("score_note", INFINITE_SCORE_NOTE);
        }
    }

    /** The features with the largest errors, largest first (ties by column), each with its share of the total. */
    private void writeTopFeatures(List<String> names, float[] errors, int offset, int limit) throws IOException {
        int width = names.size();
        double total = 0;
        int infinite = 0;
        for (int j = 0; j < width; j++) {
            float e = errors[offset + j];
            total += Math.max(0, e);
            if (e == Float.POSITIVE_INFINITY) {
                infinite++;
            }
        }
        if (order.length < width) {
            order = new int[width];
        }
        for (int j = 0; j < width; j++) {
            order[j] = j;
        }
        int n = Math.min(limit, width);
        // partial selection sort: n is small (alert.top.features), and it keeps the column order on ties
        for (int k = 0; k < n; k++) {
            int best = k;
            for (int m = k + 1; m < width; m++) {
                if (Double.compare(errors[offset + order[m]], errors[offset + order[best]]) > 0) {
                    best = m;
                }
            }
            if (best != k) {
                int chosen = order[best];
                System.arraycopy(order, k, order, k + 1, best - k);
                order[k] = chosen;
            }
        }
        gen.writeArrayFieldStart("top_features");
        for (int k = 0; k < n; k++) {
            int j = order[k];
            float e = errors[offset + j];
            gen.writeStartObject();
            gen.writeStringField("feature", names.get(j));
            gen.writeFieldName("error");
            writeFloat(e);
            double share;
            if (infinite > 0) {
                share = e == Float.POSITIVE_INFINITY ? round(1.0 / infinite) : 0.0;
            } else {
                share = total > 0 ? round(Math.max(0, e) / total) : 0.0;
            }
            gen.writeNumberField("share", share);
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
        gen.writeObjectFieldStart("source");
        gen.writeStringField("topic", s.topic());
        gen.writeNumberField("partition", s.partition());
        gen.writeNumberField("offset", s.offset());
        gen.writeEndObject();
    }

    /** A float as the short decimal Java prints for it (5.6, not 5.599999904632568); null when not finite. */
    private void writeFloat(float f) throws IOException {
        if (Float.isFinite(f)) {
            gen.writeNumber(Double.parseDouble(Float.toString(f)));
        } else {
            gen.writeNull();
        }
    }

    private static double round(double v) {
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
