package dev.kade.incident;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.kade.output.Source;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Renders {@link IncidentEvent}s as JSON, in kade's format or Alertmanager's. Field names and order are a public
 * format (docs/output-formats.md "Incident events"); golden files under {@code src/test/resources/golden} hold them.
 *
 * <p>An event's size is bounded whatever the input: the entity text is cut to {@value #ENTITY_TEXT_LIMIT}
 * characters (the id is computed from the whole entity), and the rest is a fixed set of short fields, so an event
 * always fits kade's smallest {@code output.max.bytes}.
 *
 * <p>Not thread-safe: one writer per stream task.
 */
public final class IncidentWriter {
    /** Characters of the entity text an event carries at most. */
    public static final int ENTITY_TEXT_LIMIT = 256;
    /** Alertmanager's {@code alertname} label of every kade incident. */
    public static final String ALERT_NAME = "KadeIncident";
    private static final JsonFactory JSON = new JsonFactory();

    private final IncidentFormat format;
    private final Optional<String> linkTemplate;

    public IncidentWriter(IncidentFormat format, Optional<String> linkTemplate) {
        this.format = Objects.requireNonNull(format, "format");
        this.linkTemplate = Objects.requireNonNull(linkTemplate, "linkTemplate");
    }

    /** The event's value bytes; {@code detectionTime} is when kade sent it (the only wall-clock field). */
    public byte[] render(IncidentEvent e, Instant detectionTime) {
        return render(e, detectionTime, null);
    }

    /**
     * The event's value bytes with the per-record alert of the record that caused it embedded as {@code alert} (kade
     * format only; Alertmanager's has no place for it): the features, score, percentile and, for a windowed model, the
     * window of recent values beside the expected ones, as on the per-record alert topic.
     *
     * @param alertJson the alert's JSON bytes (OutputWriter's), or null for none
     */
    public byte[] render(IncidentEvent e, Instant detectionTime, byte[] alertJson) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            if (format == IncidentFormat.ALERTMANAGER) {
                alertmanager(g, e);
            } else {
                kade(g, e, detectionTime, alertJson);
            }
        } catch (IOException io) {
            throw new UncheckedIOException("cannot render an incident event", io);
        }
        return out.toByteArray();
    }

    /** The record key of every event of an incident: its id, so that a compacted topic keeps each incident's latest event. */
    public static byte[] key(IncidentEvent e) {
        return e.incident().id().getBytes(StandardCharsets.UTF_8);
    }

    private void kade(JsonGenerator g, IncidentEvent e, Instant detectionTime, byte[] alertJson) throws IOException {
        IncidentState s = e.incident();
        g.writeStartObject();
        g.writeStringField("incident_id", s.id());
        g.writeStringField("event", e.kind().label());
        g.writeStringField("status", e.kind() == IncidentEvent.Kind.RESOLVED ? "resolved" : "firing");
        g.writeStringField("entity", cut(s.entity()));
        g.writeObjectFieldStart("model");
        g.writeStringField("kind", s.modelKind());
        g.writeStringField("version", s.modelVersion());
        g.writeEndObject();
        g.writeNumberField("count", s.count());
        g.writeFieldName("peak_score");
        writeFloat(g, s.peakScore());
        g.writeArrayFieldStart("top_features");
        for (String f : s.topFeatures()) {
            g.writeString(f);
        }
        g.writeEndArray();
        position(g, "first", s.first(), s.firstAt());
        position(g, "last", s.last(), s.lastAt());
        g.writeStringField("started_at", Instant.ofEpochMilli(s.firstAt()).toString());
        g.writeStringField("event_time", Instant.ofEpochMilli(e.at()).toString());
        if (e.resolution() != null) {
            g.writeStringField("resolution", e.resolution().label());
        }
        g.writeStringField("detection_time", detectionTime.toString());
        Optional<String> link = link(s);
        if (link.isPresent()) {
            g.writeStringField("link", link.get());
        }
        if (alertJson != null) {
            g.writeFieldName("alert");
            g.writeRawValue(new String(alertJson, StandardCharsets.UTF_8));
        }
        g.writeEndObject();
    }

    /** Alertmanager's alert object (its {@code /api/v2/alerts} body is an array of these). */
    private void alertmanager(JsonGenerator g, IncidentEvent e) throws IOException {
        IncidentState s = e.incident();
        g.writeStartObject();
        g.writeObjectFieldStart("labels");
        g.writeStringField("alertname", ALERT_NAME);
        g.writeStringField("entity", cut(s.entity()));
        g.writeStringField("model_version", s.modelVersion());
        g.writeStringField("incident_id", s.id());
        g.writeEndObject();
        g.writeObjectFieldStart("annotations");
        g.writeStringField("summary", "kade: " + s.count() + " anomalous records of " + cut(s.entity()) + ", peak score "
                + Float.toString(s.peakScore()));
        g.writeStringField("top_features", String.join(",", s.topFeatures()));
        g.writeStringField("count", Long.toString(s.count()));
        g.writeStringField("peak_score", Float.toString(s.peakScore()));
        g.writeEndObject();
        g.writeStringField("startsAt", Instant.ofEpochMilli(s.firstAt()).toString());
        if (e.kind() == IncidentEvent.Kind.RESOLVED) {
            g.writeStringField("endsAt", Instant.ofEpochMilli(e.at()).toString());
        }
        Optional<String> link = link(s);
        if (link.isPresent()) {
            g.writeStringField("generatorURL", link.get());
        }
        g.writeEndObject();
    }

    /** The link template with {@code {entity}}, {@code {model}} and {@code {incident_id}} filled in, URL-encoded. */
    Optional<String> link(IncidentState s) {
        return linkTemplate.map(t -> t.replace("{entity}", encode(cut(s.entity())))
                .replace("{model}", encode(s.modelVersion()))
                .replace("{incident_id}", s.id()));
    }

    private static void position(JsonGenerator g, String name, Source src, long at) throws IOException {
        g.writeObjectFieldStart(name);
        g.writeStringField("topic", src.topic());
        g.writeNumberField("partition", src.partition());
        g.writeNumberField("offset", src.offset());
        g.writeStringField("event_time", Instant.ofEpochMilli(at).toString());
        g.writeEndObject();
    }

    private static void writeFloat(JsonGenerator g, float f) throws IOException {
        if (Float.isFinite(f)) {
            g.writeNumber(Double.parseDouble(Float.toString(f)));
        } else {
            g.writeNull();
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String cut(String s) {
        if (s.length() <= ENTITY_TEXT_LIMIT) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(ENTITY_TEXT_LIMIT - 1)) ? ENTITY_TEXT_LIMIT - 1 : ENTITY_TEXT_LIMIT;
        return s.substring(0, end);
    }
}
