package dev.kade.output;

import java.util.Map;

/**
 * The most bytes one output record (key + value + headers) may take, so that every send fits the
 * producer's {@code max.request.size} and nothing kade produces can fail with
 * {@code RecordTooLargeException}.
 *
 * <p>The default is the producer's {@code max.request.size} less {@link #HEADROOM} bytes for the record
 * batch and record framing Kafka adds (a batch header is 61 bytes, a record's varints a few more). Topics
 * whose {@code max.message.bytes} is lower than the producer's limit need {@code output.max.bytes} set
 * to fit them.
 *
 * @param maxBytes the bound on key + value + header bytes of every output record
 */
public record OutputLimits(int maxBytes) {
    /** Bytes left for Kafka's own framing below {@code max.request.size}. */
    public static final int HEADROOM = 1024;
    /** Kafka's default {@code max.request.size}. */
    public static final int DEFAULT_MAX_REQUEST_SIZE = 1_048_576;
    /** The smallest bound that still leaves room for a dead-letter reference record. */
    public static final int MIN_BYTES = 4096;
    public static final OutputLimits DEFAULT = new OutputLimits(DEFAULT_MAX_REQUEST_SIZE - HEADROOM);

    public OutputLimits {
        if (maxBytes < MIN_BYTES) {
            throw new IllegalArgumentException("output.max.bytes must be at least " + MIN_BYTES + ", got " + maxBytes);
        }
    }

    /**
     * The default bound for the given Streams/producer properties: {@code producer.max.request.size} or
     * {@code max.request.size} (Kafka's default otherwise), less the headroom.
     */
    public static OutputLimits fromProducer(Map<?, ?> streamsProperties) {
        Object v = streamsProperties.get("producer.max.request.size");
        if (v == null) {
            v = streamsProperties.get("max.request.size");
        }
        int maxRequest = v == null ? DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(v.toString().trim());
        return new OutputLimits(Math.max(MIN_BYTES, maxRequest - HEADROOM));
    }

    /** True when a record of these parts fits. */
    public boolean fits(byte[] key, int valueBytes, int headerBytes) {
        long size = (long) (key == null ? 0 : key.length) + valueBytes + headerBytes;
        return size <= maxBytes;
    }
}
