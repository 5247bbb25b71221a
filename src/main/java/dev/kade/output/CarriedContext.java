package dev.kade.output;

import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One record's carried context, already bounded value by value ({@link ContextCopier}): the headers its outputs
 * get and the fields their {@code context} object lists, in {@code output.fields.copy} order.
 *
 * @param headers     copied headers (immutable list; each output gets its own {@link Headers} from {@link #newHeaders})
 * @param headerBytes what the headers count against {@link OutputLimits}, as {@link DeadLetters#headerBytes} counts
 * @param fields      copied fields present in the record
 */
public record CarriedContext(List<Header> headers, int headerBytes, List<Field> fields) {
    /** Nothing carried. */
    public static final CarriedContext NONE = new CarriedContext(List.of(), 0, List.of());

    /** How a copied field's value is written: as the JSON it was (number, boolean, null) or as a string. */
    public enum Kind { STRING, NUMBER, BOOLEAN, NULL }

    /**
     * One copied field.
     *
     * @param name the name as configured (a top-level name or a dotted path)
     * @param kind the JSON type it had
     * @param text its text: the string's content, the number's literal, {@code true}/{@code false}, or "null"
     */
    public record Field(String name, Kind kind, String text) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(text, "text");
        }
    }

    public CarriedContext {
        headers = List.copyOf(headers);
        fields = List.copyOf(fields);
    }

    public boolean isEmpty() {
        return headers.isEmpty() && fields.isEmpty();
    }

    /**
     * Fresh headers for one output record: a producer marks the headers it sent read-only, so two outputs of one
     * record never share an instance.
     */
    public Headers newHeaders() {
        RecordHeaders h = new RecordHeaders();
        for (Header header : headers) {
            h.add(header);
        }
        return h;
    }
}
