package dev.kade.stream;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * Records one task has taken from Kafka Streams and not yet scored: each with its source (topic,
 * partition, offset), the Kafka Streams record context it arrived with (so its outputs are forwarded
 * under it) and when it was buffered.
 *
 * <p>Owned by one processor, used on its stream thread only; not thread-safe. Live batches are also
 * listed in a weak registry with their owning thread so that a test can check, at the moment a commit
 * reaches the Kafka clients, that no batch still holds a record of a partition being committed
 * ({@link #heldOnThisThread()}).
 */
final class PendingBatch {
    private static final Set<PendingBatch> LIVE = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    /**
     * One buffered record.
     *
     * @param record        the record as the processor received it
     * @param source        its topic, partition and offset
     * @param streamsContext Kafka Streams' record context for it (internal type), or null outside a real task
     * @param bufferedNanos {@link System#nanoTime()} when it was buffered
     */
    record Entry(Record<byte[], byte[]> record, dev.kade.output.Source source, ProcessorRecordContext streamsContext,
                 long bufferedNanos) {
    }

    private final Thread owner = Thread.currentThread();
    private List<Entry> entries;

    PendingBatch(int capacity) {
        this.entries = new ArrayList<>(capacity);
        LIVE.add(this);
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

    /** Nanoseconds the oldest record has waited, or 0 when empty. */
    long oldestWaitNanos(long nowNanos) {
        return entries.isEmpty() ? 0 : nowNanos - entries.get(0).bufferedNanos();
    }

    /** Takes every buffered record out, oldest first; the batch is empty afterwards. */
    List<Entry> drain() {
        List<Entry> out = entries;
        entries = new ArrayList<>(Math.max(16, out.size()));
        return out;
    }

    /** Forgets every buffered record and leaves the registry. */
    void close() {
        entries.clear();
        LIVE.remove(this);
    }

    /** Records held by every live batch, on all threads (for tests waiting until records are buffered). */
    static int heldEverywhere() {
        int n = 0;
        synchronized (LIVE) {
            for (PendingBatch b : LIVE) {
                n += b.entries.size();
            }
        }
        return n;
    }

    /**
     * For commit guards in tests: how many records the batches owned by the calling thread hold, by
     * partition. Empty when nothing is held.
     */
    static Map<TopicPartition, Integer> heldOnThisThread() {
        Thread me = Thread.currentThread();
        Map<TopicPartition, Integer> held = new java.util.HashMap<>();
        synchronized (LIVE) {
            for (PendingBatch b : LIVE) {
                if (b.owner == me) {
                    for (Entry e : b.entries) {
                        held.merge(new TopicPartition(e.source().topic(), e.source().partition()), 1, Integer::sum);
                    }
                }
            }
        }
        return held;
    }
}
