package dev.kade.stream;

/** Header names on dead-letter records; the README's "Dead letters" section documents the same. */
public final class DeadLetterHeaders {
    /** Why: a {@code FeatureError} label ({@code not_json}, {@code missing_feature}, ...) or {@code scoring_failed}. */
    public static final String REASON = "kade.dlq.reason";
    /** Human-readable detail. */
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

    private DeadLetterHeaders() {
    }
}
