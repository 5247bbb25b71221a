package dev.kade.entity;

import java.lang.reflect.Field;
import java.util.OptionalLong;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.internals.RocksDBStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live size of a Kafka Streams RocksDB store as RocksDB itself estimates it: {@code rocksdb.estimate-live-data-size}
 * (what the SST files hold that is still live) plus {@code rocksdb.cur-size-all-mem-tables} (what is not flushed
 * yet). Kafka Streams' own RocksDB metrics do not include the live-data estimate, so this reaches the
 * {@link RocksDB} handle inside Kafka's internal {@link RocksDBStore} by reflection: internal API of the pinned
 * Kafka version, read-only, and answering empty (never throwing) when the layout differs.
 */
public final class RocksDbSize {
    private static final Logger LOG = LoggerFactory.getLogger(RocksDbSize.class);
    private static volatile boolean warned;

    private RocksDbSize() {
    }

    /** Live bytes of {@code store} (a store as the processor context hands it out), or empty when unknown. */
    public static OptionalLong liveBytes(StateStore store) {
        OptionalLong live = property(store, "rocksdb.estimate-live-data-size");
        OptionalLong memtables = property(store, "rocksdb.cur-size-all-mem-tables");
        return live.isPresent() && memtables.isPresent() ? OptionalLong.of(live.getAsLong() + memtables.getAsLong())
                : OptionalLong.empty();
    }

    /** A numeric RocksDB property of {@code store} ({@code rocksdb.block-cache-capacity}, ...), or empty when unknown. */
    static OptionalLong property(StateStore store, String name) {
        RocksDB db = handle(store);
        if (db == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(db.getLongProperty(name));
        } catch (RocksDBException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private static RocksDB handle(StateStore store) {
        StateStore s = store;
        while (s instanceof WrappedStateStore<?, ?, ?> w && !(s instanceof RocksDBStore)) {
            s = w.wrapped();
        }
        if (!(s instanceof RocksDBStore rocks) || !rocks.isOpen()) {
            return null;
        }
        try {
            Field f = RocksDBStore.class.getDeclaredField("db");
            f.setAccessible(true);
            Object db = f.get(rocks);
            return db instanceof RocksDB r ? r : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.warn("cannot read RocksDB's live data size (Kafka's RocksDBStore changed: {}); kade_series_state_bytes stays 0",
                        e.toString());
            }
            return null;
        }
    }
}
