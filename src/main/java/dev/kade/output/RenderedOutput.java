package dev.kade.output;

import java.util.Objects;
import org.apache.kafka.common.header.Headers;

/**
 * An alert or score ready to send with its carried context: the value bytes, the headers (the copied input
 * headers, or none) and whether the context was left out because the output would not fit with it.
 *
 * @param value          the JSON value
 * @param headers        the output record's headers, its own instance
 * @param contextDropped true when the record had a context that this output does not carry ({@link ContextCut#CONTEXT_DROPPED})
 */
public record RenderedOutput(byte[] value, Headers headers, boolean contextDropped) {
    public RenderedOutput {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(headers, "headers");
    }
}
