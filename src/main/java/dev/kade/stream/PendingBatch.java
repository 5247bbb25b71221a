package dev.kade.stream;

import dev.kade.output.Source;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * Records one task has taken from Kafka Streams and not yet scored: each with its source (topic,
 * partition, offset), the Kafka Streams record context it arrived with (so its outputs are forwarded
 * under it) and when it was buffered.
 *
 * <p>Owned by one processor, used on its stream thread only; not thread-safe. A test may
 * {@linkplain #observe observe} every batch opened and closed, to check, at the moment a commit reaches the
 * Kafka clients, that no batch still holds a record of a partition being committed; nothing observes them
 * in production.
 */
final class PendingBatch {
    /** Test hook: told of every batch opened and closed, on the thread that owns it. */
    interface Observer {
        void opened(PendingBatch batch);

        void closed(PendingBatch batch);
    }

    /** Null (nothing told) unless a test installed one. */
    private static volatile Observer observer;

    /**
     * One buffered record.
     *
     * @param record        the record as the processor received it
     * @param source        its topic, partition and offset
     * @param streamsContext Kafka Streams' record context for it (internal type), or null outside a real task
     * @param original      the value as read from Kafka when {@code record}'s is decoded from it (Avro input: the
     *                      record holds its JSON), so a dead letter keeps the original bytes; null when the same
     */
    record Entry(Record<byte[], byte[]> record, Source source, ProcessorRecordContext streamsContext, byte[] original) {
        Entry(Record<byte[], byte[]> record, Source source, ProcessorRecordContext streamsContext) {
            this(record, source, streamsContext, null);
        }

        /** The value as read from Kafka: what a dead letter carries. */
        byte[] originalValue() {
            return original != null ? original : record.value();
        }
    }

    private final Thread owner = Thread.currentThread();
    private List<Entry> entries;

    PendingBatch(int capacity) {
        this.entries = new ArrayList<>(capacity);
        Observer o = observer;
        if (o != null) {
            o.opened(this);
        }
    }

    void add(Entry e) {
        entries.add(e);
    }

    int size() {
        return entries.size();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Takes every buffered record out, oldest first; the batch is empty afterwards. */
    List<Entry> drain() {
        List<Entry> out = entries;
        entries = new ArrayList<>(Math.max(16, out.size()));
        return out;
    }

    /** Forgets every buffered record. */
    void close() {
        entries.clear();
        Observer o = observer;
        if (o != null) {
            o.closed(this);
        }
    }

    /** Installs the test hook for batches opened from now on (null: none). */
    static void observe(Observer o) {
        observer = o;
    }

    /** The stream thread that owns this batch. */
    Thread owner() {
        return owner;
    }

    /** How many records this batch holds, by partition (for tests; the owner's thread may be adding meanwhile). */
    Map<TopicPartition, Integer> heldByPartition() {
        Map<TopicPartition, Integer> held = new HashMap<>();
        for (Entry e : List.copyOf(entries)) {
            held.merge(new TopicPartition(e.source().topic(), e.source().partition()), 1, Integer::sum);
        }
        return held;
    }
}
