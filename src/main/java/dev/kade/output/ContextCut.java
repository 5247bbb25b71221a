package dev.kade.output;

import java.util.Locale;

/**
 * What was cut from a record's carried context to keep its outputs bounded: the {@code cut} tag of
 * {@code kade_output_context_cuts_total}. A cut never fails a record: the alert or score is sent with less.
 */
public enum ContextCut {
    /** A copied header's value was longer than {@code output.headers.max.bytes}: that header was not copied. */
    HEADER_DROPPED,
    /** A copied field's value was longer than {@code output.fields.max.chars}: it was cut to that length. */
    FIELD_TRUNCATED,
    /** An output would not fit {@code output.max.bytes} with its context: it was sent without (fields and headers). */
    CONTEXT_DROPPED;

    /** The metric tag value ({@code header_dropped}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
