package dev.kade.output;

/** Header names on dead-letter records; the README's "Dead letters" section documents the same. */
public final class DeadLetterHeaders {
    /** Prefix of every header kade sets; incoming headers with it are dropped from dead letters. */
    public static final String KADE_PREFIX = "kade.";
    /** Prefix of Kafka Streams' own error headers (KIP-1034); incoming headers with it are dropped too. */
    public static final String STREAMS_ERRORS_PREFIX = "__streams.errors.";

    /** Why: a {@link DeadLetterReason} label. */
    public static final String REASON = "kade.dlq.reason";
    /** Human-readable detail (at most {@value DeadLetters#DETAIL_LIMIT} characters). */
    public static final String DETAIL = "kade.dlq.detail";
    /** The feature at fault, when one is. */
    public static final String FEATURE = "kade.dlq.feature";
    public static final String SOURCE_TOPIC = "kade.source.topic";
    public static final String SOURCE_PARTITION = "kade.source.partition";
    public static final String SOURCE_OFFSET = "kade.source.offset";
    /** When the record was dead-lettered, ISO-8601. */
    public static final String TIMESTAMP = "kade.dlq.timestamp";
    /** Version of the model that was serving, when one was involved. */
    public static final String MODEL_VERSION = "kade.model.version";
    /** "true" on a reference record: the original was too large to send, its value names where it is. */
    public static final String REFERENCE = "kade.dlq.reference";

    private DeadLetterHeaders() {
    }
}
