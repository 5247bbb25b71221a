package dev.kade.incident;

import dev.kade.output.Source;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One open incident: what the incident store holds per entity and model, and what every event reports.
 *
 * @param id             stable id ({@link IncidentIds}): the same after any replay of the same records
 * @param entity         the entity, as text
 * @param modelVersion   the version of the model that opened it
 * @param modelKind      that model's kind label
 * @param first          the first anomalous record
 * @param firstAt        its event time, epoch ms
 * @param last           the latest anomalous record
 * @param lastAt         its event time, epoch ms
 * @param count          anomalous records so far
 * @param peakScore      the highest score so far
 * @param topFeatures    the features furthest off in the peak record, largest first
 * @param lastEmittedAt  event time of the last opened or updated event
 * @param sinceEmitted   anomalies since that event (an update is sent only when there is news)
 * @param normalsInRow   normal records of the entity since its latest anomaly
 */
public record IncidentState(String id, String entity, String modelVersion, String modelKind, Source first, long firstAt,
                            Source last, long lastAt, long count, float peakScore, List<String> topFeatures,
                            long lastEmittedAt, long sinceEmitted, int normalsInRow) {
    private static final byte FORMAT = 1;

    public IncidentState {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(modelKind, "modelKind");
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
        topFeatures = List.copyOf(topFeatures);
    }

    /** A new incident opened by one anomalous record. */
    static IncidentState open(String entity, String modelVersion, String modelKind, Source source, long at, float score,
                              List<String> topFeatures) {
        return new IncidentState(IncidentIds.of(entity, modelVersion, source), entity, modelVersion, modelKind, source, at,
                source, at, 1, score, topFeatures, at, 0, 0);
    }

    /** This incident after one more anomalous record. */
    IncidentState anomaly(Source source, long at, float score, List<String> features) {
        boolean peak = score > peakScore || Float.isNaN(peakScore);
        return new IncidentState(id, entity, modelVersion, modelKind, first, firstAt, source, Math.max(lastAt, at), count + 1,
                peak ? score : peakScore, peak ? features : topFeatures, lastEmittedAt, sinceEmitted + 1, 0);
    }

    /** This incident after a normal record of its entity. */
    IncidentState normal() {
        return new IncidentState(id, entity, modelVersion, modelKind, first, firstAt, last, lastAt, count, peakScore, topFeatures,
                lastEmittedAt, sinceEmitted, normalsInRow + 1);
    }

    /** This incident once an update was sent at {@code at}. */
    IncidentState emitted(long at) {
        return new IncidentState(id, entity, modelVersion, modelKind, first, firstAt, last, lastAt, count, peakScore, topFeatures,
                at, 0, normalsInRow);
    }

    /** The store's bytes for this state (a versioned binary format; the changelog carries it). */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            string(out, id);
            string(out, entity);
            string(out, modelVersion);
            string(out, modelKind);
            source(out, first);
            out.writeLong(firstAt);
            source(out, last);
            out.writeLong(lastAt);
            out.writeLong(count);
            out.writeFloat(peakScore);
            out.writeInt(topFeatures.size());
            for (String f : topFeatures) {
                string(out, f);
            }
            out.writeLong(lastEmittedAt);
            out.writeLong(sinceEmitted);
            out.writeInt(normalsInRow);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads {@link #toBytes()}.
     *
     * @throws IllegalArgumentException for bytes this version does not write
     */
    public static IncidentState fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown incident state format " + format);
            }
            String id = string(in);
            String entity = string(in);
            String version = string(in);
            String kind = string(in);
            Source first = source(in);
            long firstAt = in.readLong();
            Source last = source(in);
            long lastAt = in.readLong();
            long count = in.readLong();
            float peak = in.readFloat();
            int n = in.readInt();
            List<String> top = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                top.add(string(in));
            }
            return new IncidentState(id, entity, version, kind, first, firstAt, last, lastAt, count, peak, top, in.readLong(),
                    in.readLong(), in.readInt());
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated incident state", e);
        }
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String string(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("bad string length " + n);
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static void source(DataOutputStream out, Source s) throws IOException {
        string(out, s.topic());
        out.writeInt(s.partition());
        out.writeLong(s.offset());
    }

    private static Source source(DataInputStream in) throws IOException {
        return new Source(string(in), in.readInt(), in.readLong());
    }
}
