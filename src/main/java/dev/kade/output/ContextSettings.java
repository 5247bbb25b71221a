package dev.kade.output;

import java.util.List;
import java.util.Objects;

/**
 * What an alert and a score carry from their input record ({@code output.headers.*}, {@code output.fields.*};
 * docs/output-formats.md "Carried context"): headers copied by name onto the output record, so a W3C trace
 * continues through kade, and JSON fields copied into the output's {@code context} object, so an on-call person
 * sees the record's host or request id without a join. Both are bounded per value; the whole output still fits
 * {@link OutputLimits}.
 *
 * @param headers        header names copied (the last header of each name, as Kafka's {@code lastHeader})
 * @param headerMaxBytes longest header value copied; a longer one is dropped ({@link ContextCut#HEADER_DROPPED})
 * @param fields         JSON field names or dotted paths copied into {@code context}
 * @param fieldMaxChars  longest field value copied, in characters; a longer one is cut ({@link ContextCut#FIELD_TRUNCATED})
 */
public record ContextSettings(List<String> headers, int headerMaxBytes, List<String> fields, int fieldMaxChars) {
    /** W3C Trace Context's two headers, no fields: {@code output.headers.copy}'s and {@code output.fields.copy}'s defaults. */
    public static final ContextSettings DEFAULT = new ContextSettings(List.of("traceparent", "tracestate"), 512, List.of(), 256);
    /** Nothing carried. */
    public static final ContextSettings NONE = new ContextSettings(List.of(), 512, List.of(), 256);

    public ContextSettings {
        headers = List.copyOf(Objects.requireNonNull(headers, "headers"));
        fields = List.copyOf(Objects.requireNonNull(fields, "fields"));
        if (headerMaxBytes < 1 || fieldMaxChars < 1) {
            throw new IllegalArgumentException("headerMaxBytes and fieldMaxChars must be >= 1");
        }
        for (String h : headers) {
            if (DeadLetters.isReserved(h)) {
                throw new IllegalArgumentException("header " + h + " is kade's own and cannot be copied");
            }
        }
    }

    /** True when nothing is carried (the stream then does no work per record for it). */
    public boolean isEmpty() {
        return headers.isEmpty() && fields.isEmpty();
    }
}
