package dev.kade.entity;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Idle expiry without a key TTL (Kafka Streams has none: KAFKA-4212 was closed unmerged). Each call visits at
 * most {@code maxEntities} entities in key order, starting where the last call stopped (a cursor kept in the
 * store), and deletes those whose newest record is more than {@code idle} older than the newest event time the
 * task has seen; after the last key it starts over. A full pass over N entities thus takes N / maxEntities
 * sweeps, and no sweep holds the stream thread for more than one bounded scan.
 *
 * <p>When a sweep runs does not change a single score: the stream treats an entity whose newest record is
 * older than {@code idle} as new when its next record arrives ({@link SeriesView}), whether or not a sweep has
 * deleted it yet, and a sweep only deletes what that rule already treats as gone. Sweeping only reclaims space.
 */
public final class ExpirySweeper {
    private final Duration idle;
    private final int maxEntities;

    public ExpirySweeper(Duration idle, int maxEntities) {
        this.idle = Objects.requireNonNull(idle, "idle");
        if (maxEntities < 1) {
            throw new IllegalArgumentException("maxEntities must be >= 1");
        }
        this.maxEntities = maxEntities;
    }

    /**
     * One bounded sweep over {@code store}; entities for which {@code busy} is true (held by an open batch,
     * which writes them back) are left alone.
     *
     * @return the entities deleted
     */
    public int sweep(EntityStore store, Predicate<Bytes> busy) {
        long now = store.maxEventTime();
        if (idle.isZero() || now == Long.MIN_VALUE) {
            return 0;
        }
        long idleMs = idle.toMillis();
        int visited = 0;
        int deleted = 0;
        Bytes next = null;
        try (KeyValueIterator<Bytes, byte[]> it = store.kv().range(store.cursor(), null)) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                if (visited == maxEntities) {
                    next = kv.key;
                    break;
                }
                visited++;
                if (!busy.test(kv.key) && idleFor(kv.value, now) > idleMs) {
                    store.delete(kv.key);
                    deleted++;
                }
            }
        }
        store.cursor(next);
        store.writeMeta();
        return deleted;
    }

    /** How long before {@code now} the entity's newest record is; 0 for a value this cannot read (left alone). */
    static long idleFor(byte[] state, long now) {
        if (state == null || state.length < 9 || (state[0] != EntityState.VERSION && state[0] != EntityState.VERSION_1)) {
            return 0;
        }
        long last = ByteBuffer.wrap(state, 1, 8).getLong();
        return now - last;
    }
}
