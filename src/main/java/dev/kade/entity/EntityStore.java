package dev.kade.entity;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One task's entity states in a Kafka Streams key-value store (RocksDB, changelogged, caching disabled), and
 * the task's own bookkeeping under {@link #META_KEY}: the newest event time the task has seen (the clock of
 * idle expiry) and where the expiry sweep stopped. Keeping both in the store puts them in the changelog and,
 * under {@code exactly_once_v2}, in the same transaction as the states and the outputs, so a restarted task
 * resumes with exactly the clock and cursor of its last commit.
 *
 * <p>Meta value (big-endian): version {@code 1}, newest event time (long; {@code Long.MIN_VALUE} before any
 * record), the sweep cursor's length (unsigned short; 0 = from the first entity) and its bytes.
 *
 * <p>Used by one stream thread (the task's); not thread-safe.
 */
public final class EntityStore {
    /** The bookkeeping key: below every entity key ({@link EntityKey#ENTITY_PREFIX}). */
    public static final Bytes META_KEY = Bytes.wrap(new byte[] {0});
    /** The first possible entity key: where a sweep starts over. */
    public static final Bytes FIRST_ENTITY = Bytes.wrap(new byte[] {EntityKey.ENTITY_PREFIX});
    private static final byte META_VERSION = 1;

    private final KeyValueStore<Bytes, byte[]> kv;
    private long maxEventTime = Long.MIN_VALUE;
    private Bytes cursor;

    /** Wraps {@code kv} (restored, open) and reads the task's bookkeeping from it. */
    public EntityStore(KeyValueStore<Bytes, byte[]> kv) {
        this.kv = Objects.requireNonNull(kv, "kv");
        byte[] meta = kv.get(META_KEY);
        if (meta != null && meta.length >= 11 && meta[0] == META_VERSION) {
            ByteBuffer b = ByteBuffer.wrap(meta);
            b.get();
            maxEventTime = b.getLong();
            int n = Short.toUnsignedInt(b.getShort());
            if (n > 0 && b.remaining() == n) {
                byte[] c = new byte[n];
                b.get(c);
                cursor = Bytes.wrap(c);
            }
        }
    }

    KeyValueStore<Bytes, byte[]> kv() {
        return kv;
    }

    public byte[] get(Bytes key) {
        return kv.get(key);
    }

    public void put(Bytes key, byte[] value) {
        kv.put(key, value);
    }

    /** Removes an entity: a tombstone in the changelog. */
    public void delete(Bytes key) {
        kv.delete(key);
    }

    /** The newest event time this task has seen, {@code Long.MIN_VALUE} before any. */
    public long maxEventTime() {
        return maxEventTime;
    }

    void maxEventTime(long t) {
        maxEventTime = t;
    }

    /** Where the next sweep starts: an entity key, or {@link #FIRST_ENTITY}. */
    Bytes cursor() {
        return cursor == null ? FIRST_ENTITY : cursor;
    }

    void cursor(Bytes next) {
        cursor = next == null || next.equals(FIRST_ENTITY) ? null : next;
    }

    /**
     * Writes {@code entries} in one store call. A RocksDB store applies them as one write batch (one native call for a
     * whole scoring batch's states, where a put each made one call per record); the changelog still gets one record per
     * entry, in list order.
     */
    void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        kv.putAll(entries);
    }

    /** Writes the clock and the cursor to the store (and so to the changelog). */
    void writeMeta() {
        kv.put(META_KEY, metaValue());
    }

    /** The bookkeeping entry as {@link #writeMeta()} writes it, to write with other entries ({@link #putAll}). */
    KeyValue<Bytes, byte[]> meta() {
        return KeyValue.pair(META_KEY, metaValue());
    }

    private byte[] metaValue() {
        byte[] c = cursor == null ? new byte[0] : cursor.get();
        ByteBuffer b = ByteBuffer.allocate(11 + c.length);
        b.put(META_VERSION).putLong(maxEventTime).putShort((short) c.length).put(c);
        return b.array();
    }

    /**
     * Entities in this task's store. Counted key by key up to {@value #EXACT_COUNT_LIMIT} entities: RocksDB's
     * {@code estimate-num-keys} counts every overwrite still in a memtable, and the meta key is overwritten at every
     * batch, so a store of four entities read as tens of thousands. Above the limit, where a full count would cost
     * the stream thread too long, RocksDB's estimate (then dominated by real keys).
     */
    public long approximateEntities() {
        long counted = 0;
        try (KeyValueIterator<Bytes, byte[]> it = kv.all()) {
            while (it.hasNext()) {
                if (!it.next().key.equals(META_KEY) && ++counted > EXACT_COUNT_LIMIT) {
                    return Math.max(counted, kv.approximateNumEntries() - 1);
                }
            }
        }
        return counted;
    }

    /** Most entities {@link #approximateEntities()} counts one by one. */
    static final int EXACT_COUNT_LIMIT = 50_000;
}
