package dev.kade.features;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

/**
 * The one JSON factory every record reader uses (the stream's {@link RecordReader} and the trainer's
 * tree path through {@link FeatureExtractor}), so that both accept and refuse the same documents.
 *
 * <p>Why these limits: a record is already in memory when it is parsed, so the danger is not memory but
 * work and depth. Streaming parsing walks nested structures iteratively, so deep nesting cannot overflow
 * the stack, but it is still work an attacker chooses; a record nested deeper than
 * {@link #MAX_NESTING_DEPTH} (far beyond any real telemetry, and above the 1,000 levels hostile-input
 * tests use) is refused as {@code not_json}. Numbers longer than {@link #MAX_NUMBER_LENGTH} characters
 * (Jackson's own default, which stops quadratic big-number parsing) and names longer than
 * {@link #MAX_NAME_LENGTH} are refused the same way.
 */
public final class JsonLimits {
    /** Deepest nesting of objects and arrays a record may have. */
    public static final int MAX_NESTING_DEPTH = 2_000;
    /** Longest number literal, in characters. */
    public static final int MAX_NUMBER_LENGTH = 1_000;
    /** Longest field name, in characters. */
    public static final int MAX_NAME_LENGTH = 50_000;
    /** Longest string value, in characters (Kafka's own limits keep records far smaller). */
    public static final int MAX_STRING_LENGTH = 20_000_000;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .maxNameLength(MAX_NAME_LENGTH)
                    .maxStringLength(MAX_STRING_LENGTH)
                    .build())
            // exact (correctly rounded) and faster than Double.parseDouble; the same result on both paths
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    private JsonLimits() {
    }

    /** The shared factory (thread-safe; parsers it creates are not). */
    public static JsonFactory factory() {
        return FACTORY;
    }
}
