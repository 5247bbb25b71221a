package dev.kade.stream;

import dev.kade.output.DeadLetterHeaders;
import dev.kade.output.DeadLetterReason;
import dev.kade.output.DeadLetters;
import dev.kade.output.OutputLimits;
import dev.kade.output.OutputWriter;
import dev.kade.output.Source;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Keeps the dead-letter records Kafka Streams' own handlers build (KIP-1034: the raw source record with
 * {@code __streams.errors.*} headers) within {@link OutputLimits}: one too large to send is replaced by
 * kade's small reference record. Without this, a record larger than the producer may send makes the
 * dead-letter send fail, whose handler builds the same dead letter again, and so on until the stack
 * overflows in {@code RecordCollectorImpl.recordSendError} (seen with a 1.5 MB record).
 *
 * <p>Thread-safe: a fresh writer per call (this is the rare error path, not the record path).
 */
final class BoundedDeadLetters {
    private final OutputLimits limits;
    private final Clock clock;

    BoundedDeadLetters(OutputLimits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    List<ProducerRecord<byte[], byte[]>> bound(List<ProducerRecord<byte[], byte[]>> records, ErrorHandlerContext context,
                                               DeadLetterReason reason) {
        if (records == null || records.isEmpty()) {
            return records;
        }
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(records.size());
        for (ProducerRecord<byte[], byte[]> r : records) {
            out.add(fits(r) ? r : reference(r, context, reason));
        }
        return out;
    }

    boolean fits(ProducerRecord<byte[], byte[]> r) {
        return limits.fits(r.key(), r.value() == null ? 0 : r.value().length, DeadLetters.headerBytes(r.headers()));
    }

    /** A reference record for {@code r}, to {@code r}'s topic, naming the source record in context; never {@code r} itself. */
    ProducerRecord<byte[], byte[]> reference(ProducerRecord<byte[], byte[]> r, ErrorHandlerContext context, DeadLetterReason reason) {
        Source source = new Source(context.topic() == null ? "unknown" : context.topic(), context.partition(), context.offset());
        DeadLetters.DeadLetter d = new DeadLetters(new OutputWriter(limits), clock).reference(r.key(),
                r.value() == null ? 0 : r.value().length, DeadLetters.headerBytes(r.headers()), reason,
                "record too large to send to " + r.topic(), null, source, null);
        return new ProducerRecord<>(r.topic(), null, r.timestamp(), d.key(), d.value(), d.headers());
    }

    static boolean isReference(ProducerRecord<byte[], byte[]> r) {
        return r.headers().lastHeader(DeadLetterHeaders.REFERENCE) != null;
    }
}
