package dev.kade.config;

import java.util.Locale;

/** The two Kafka Streams processing guarantees kade supports, by their Kafka Streams names. */
public enum ProcessingGuarantee {
    /** Transactions: every input record is reflected exactly once in alerts, scores and dead letters. */
    EXACTLY_ONCE_V2,
    /** No transactions: after a crash some records may be scored (and alerted) twice. */
    AT_LEAST_ONCE;

    /** The value Kafka Streams' {@code processing.guarantee} expects. */
    public String streamsValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
