package dev.kade.entity;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Kafka Streams' RocksDB settings for kade's entity stores, with one change: every store in the process shares one
 * block cache of {@code series.state.memory.bytes}, and their memtables are charged to it, so the native memory the
 * stores use stays within that bound however many partitions (one store each) the process owns.
 *
 * <p>Why: by default every RocksDB store Kafka Streams opens gets its own 50 MB block cache and up to three 16 MB
 * memtables, about 100 MB of native memory per partition outside the Java heap. A pod that owns 12 partitions of a
 * windowed model would need 1.2 GB beyond its heap, and the container's memory limit would kill it. This is the
 * bounded-memory configuration of the Kafka Streams documentation ("Memory management", RocksDB): a shared
 * {@link LRUCache}, a {@link WriteBufferManager} that charges memtables to it and flushes when they pass half of it,
 * and index and filter blocks in the cache (high priority, top level pinned) instead of outside it.
 *
 * <p>The cache and the write-buffer manager live as long as the process: stores come and go with rebalances, and
 * {@link #close} must not free what the others still use. One pair per configured size, so that processes (and
 * tests) that run several applications with different bounds get each its own.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {
    /** The Streams property that carries {@code series.state.memory.bytes} to {@link #setConfig}. */
    public static final String MEMORY_CONFIG = "kade.series.state.memory.bytes";
    /** Share of the bound the memtables may hold before the write-buffer manager flushes them. */
    static final double MEMTABLE_SHARE = 0.5;
    /** Share of the cache kept for index and filter blocks (high priority). */
    static final double INDEX_FILTER_SHARE = 0.1;

    private static final Map<Long, Shared> SHARED = new ConcurrentHashMap<>();

    /** The cache and write-buffer manager every store of one bound shares. */
    record Shared(Cache cache, WriteBufferManager writeBuffers) {
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        long bytes = bytes(configs);
        Shared shared = shared(bytes);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(shared.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(shared.writeBuffers());
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // shared with every other store of the process: never closed here (see the class comment)
    }

    /** The shared cache and write-buffer manager for a bound of {@code bytes}. */
    static Shared shared(long bytes) {
        return SHARED.computeIfAbsent(bytes, b -> {
            LRUCache cache = new LRUCache(b, -1, false, INDEX_FILTER_SHARE);
            return new Shared(cache, new WriteBufferManager((long) (b * MEMTABLE_SHARE), cache));
        });
    }

    private static long bytes(Map<String, Object> configs) {
        Object v = configs.get(MEMORY_CONFIG);
        if (v == null) {
            throw new IllegalStateException(MEMORY_CONFIG + " is not set: kade sets it with rocksdb.config.setter");
        }
        return v instanceof Number n ? n.longValue() : Long.parseLong(v.toString().trim());
    }
}
