package dev.kade.output;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds dead-letter records: the original key, bytes and headers, with kade's headers (see
 * {@link DeadLetterHeaders}) in place of any the input brought.
 *
 * <p>Incoming headers named {@code kade.*} or {@code __streams.errors.*} are dropped first, so a producer
 * cannot spoof a reason, a source offset or Kafka Streams' own error headers on a dead letter.
 *
 * <p>A dead letter must fit {@link OutputLimits} like every output. One that would not (a record larger
 * than the producer may send, which the input topic allowed) goes as a <em>reference record</em>: a
 * small JSON value naming the reason, source topic, partition and offset and the sizes of what was left
 * out, the key only when it is small, kade's headers and {@value DeadLetterHeaders#REFERENCE}=true. The
 * original stays in the input topic at that offset. Nothing here can fail for size, so no error path
 * sends again.
 *
 * <p>Not thread-safe (it renders with its {@link OutputWriter}); one per stream task.
 */
public final class DeadLetters {
    /** Longest {@code kade.dlq.detail} value kept, in characters. */
    public static final int DETAIL_LIMIT = 1024;
    /** Longest key a reference record keeps. */
    public static final int REFERENCE_KEY_LIMIT = 1024;
    /** Per-header overhead counted against the limit (Kafka's varint lengths). */
    private static final int HEADER_OVERHEAD = 10;

    private final OutputWriter writer;
    private final Clock clock;

    public DeadLetters(OutputWriter writer, Clock clock) {
        this.writer = Objects.requireNonNull(writer, "writer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A dead letter ready to forward: key, value and headers. */
    public record DeadLetter(byte[] key, byte[] value, Headers headers, boolean reference) {
    }

    /**
     * The dead letter for a record.
     *
     * @param feature      the feature at fault, or null
     * @param modelVersion the serving model's version, or null when none was involved
     */
    public DeadLetter build(byte[] key, byte[] value, Headers original, DeadLetterReason reason, String detail,
                            String feature, Source source, String modelVersion) {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(source, "source");
        Headers h = new RecordHeaders();
        if (original != null) {
            for (Header header : original) {
                if (!isReserved(header.key())) {
                    h.add(header);
                }
            }
        }
        int originalHeaderBytes = size(h);
        Headers own = ownHeaders(reason, detail, feature, source, modelVersion);
        int valueBytes = value == null ? 0 : value.length;
        if (writer.limits().fits(key, valueBytes, originalHeaderBytes + size(own))) {
            for (Header header : own) {
                h.add(header);
            }
            return new DeadLetter(key, value, h, false);
        }
        return reference(key, valueBytes, originalHeaderBytes, reason, detail, feature, source, modelVersion);
    }

    /**
     * A reference record standing for a record that is not sent: kade's headers with
     * {@value DeadLetterHeaders#REFERENCE}=true, the key only when it is at most {@value #REFERENCE_KEY_LIMIT}
     * bytes, and a small JSON value naming the reason, the source and the sizes left out.
     */
    public DeadLetter reference(byte[] key, int valueBytes, int headerBytes, DeadLetterReason reason, String detail,
                                String feature, Source source, String modelVersion) {
        Headers own = ownHeaders(reason, detail, feature, source, modelVersion);
        put(own, DeadLetterHeaders.REFERENCE, "true");
        byte[] ref = writer.reference(reason, source, key == null ? 0 : key.length, valueBytes, headerBytes);
        byte[] refKey = key != null && key.length <= REFERENCE_KEY_LIMIT ? key : null;
        return new DeadLetter(refKey, ref, own, true);
    }

    private Headers ownHeaders(DeadLetterReason reason, String detail, String feature, Source source, String modelVersion) {
        Headers own = new RecordHeaders();
        put(own, DeadLetterHeaders.REASON, reason.label());
        put(own, DeadLetterHeaders.DETAIL, detail == null ? "" : cut(detail, DETAIL_LIMIT));
        if (feature != null) {
            put(own, DeadLetterHeaders.FEATURE, cut(feature, DETAIL_LIMIT));
        }
        put(own, DeadLetterHeaders.SOURCE_TOPIC, source.topic());
        put(own, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(source.partition()));
        put(own, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(source.offset()));
        put(own, DeadLetterHeaders.TIMESTAMP, clock.instant().toString());
        put(own, DeadLetterHeaders.MODEL_VERSION, modelVersion == null ? "" : modelVersion);
        return own;
    }

    /** Key + value + header bytes of a record, as counted against the limit. */
    public static int headerBytes(Headers headers) {
        return size(headers);
    }

    /** True for header names kade or Kafka Streams' error handling set, which inputs may not bring. */
    public static boolean isReserved(String headerName) {
        return headerName.startsWith(DeadLetterHeaders.KADE_PREFIX) || headerName.startsWith(DeadLetterHeaders.STREAMS_ERRORS_PREFIX);
    }

    private static void put(Headers h, String name, String value) {
        h.remove(name);
        h.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static int size(Headers headers) {
        int n = 0;
        for (Header header : headers) {
            n += header.key().getBytes(StandardCharsets.UTF_8).length + (header.value() == null ? 0 : header.value().length)
                    + HEADER_OVERHEAD;
        }
        return n;
    }

    private static String cut(String s, int limit) {
        return s.length() <= limit ? s : s.substring(0, limit - 3) + "...";
    }
}
