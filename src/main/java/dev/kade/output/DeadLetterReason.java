package dev.kade.output;

import dev.kade.features.FeatureError;
import java.util.Locale;

/**
 * Why a record went to the dead-letter topic: the {@code kade.dlq.reason} header, the {@code reason} tag
 * of {@code kade_dead_letters_total} and the README's table, all from this one closed set (a test holds
 * the README to it).
 */
public enum DeadLetterReason {
    EMPTY_VALUE("null or empty value, e.g. a tombstone"),
    NOT_JSON("not parseable JSON, or beyond the parser's limits (nesting deeper than 2,000, a number longer than 1,000 characters)"),
    NOT_AN_OBJECT("JSON, but not an object"),
    NOT_WIRE_FORMAT("`input.format=avro`, `protobuf` or `json_schema`: shorter than 5 bytes, or not starting with the schema-registry wire format's magic byte 0"),
    UNKNOWN_SCHEMA("`input.format=avro` or `protobuf`: the registry has no schema under the record's id (404), or it is not a schema of that format (an Avro record, a `.proto` file with a message) or does not parse"),
    SCHEMA_UNAVAILABLE("`input.format=avro` or `protobuf`: the registry did not answer for the record's schema id after `schema.registry.retries` retries, or within `schema.registry.failure.cooldown.ms` of such a failure; replay it once the registry is back"),
    UNDECODABLE("`input.format=avro` or `protobuf`: the payload does not decode by its writer schema (truncated, corrupt, bytes left over)"),
    BAD_MESSAGE_INDEX("`input.format=protobuf`: the message-index array after the header is cut off or corrupt, or names a message the registered `.proto` file does not have"),
    MISSING_FEATURE("a feature the model needs is absent, null or blank"),
    NON_NUMERIC("a feature is neither a number nor a string holding one"),
    NON_FINITE("a feature is NaN, ±Infinity, or beyond float32"),
    NO_ENTITY("a windowed model's record has no entity: no record key, or an `entity.fields` field is absent, null or not a scalar"),
    BAD_TIME("a windowed model's record has an unreadable event time: `entity.time.field` absent, null, or not in `entity.time.format`"),
    LATE_RECORD("a windowed model's record is older than its entity's newest, and `series.late=dead_letter`"),
    SCORING_FAILED("the model threw, or returned NaN"),
    OUTPUT_TOO_LARGE("an output for this record would not fit `output.max.bytes` even truncated (e.g. a huge key)"),
    FEEDBACK_INVALID("a record of `alerts.feedback.topic` that is no label: not a JSON object, no `incident_id` or `entity`, or a `label` other than `false_positive`, `true_positive`, `new_normal` (the detail header says which)"),
    MUTE_RULE_INVALID("a record of `alerts.mute.topic` that is no mute rule: no key, not a JSON object, not exactly one of `entity`, `entity_pattern`, `\"all\": true`, no window, or a bad `start`, `end` or `schedule` (the detail header says which)"),
    PROCESSING_ERROR("an unexpected exception (a bug); sent by Kafka Streams' KIP-1034 handler with its own `__streams.errors.*` headers");

    private final String description;

    DeadLetterReason(String description) {
        this.description = description;
    }

    /** The header value and metric tag: the name in lower case ({@code not_json}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** One line for the documentation. */
    public String description() {
        return description;
    }

    /** The reason for a record the feature reader refused. */
    public static DeadLetterReason of(FeatureError error) {
        return switch (error) {
            case EMPTY_VALUE -> EMPTY_VALUE;
            case NOT_JSON -> NOT_JSON;
            case NOT_AN_OBJECT -> NOT_AN_OBJECT;
            case MISSING_FEATURE -> MISSING_FEATURE;
            case NON_NUMERIC -> NON_NUMERIC;
            case NON_FINITE -> NON_FINITE;
        };
    }
}
