package dev.kade.entity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BoundedRocksDb} on real RocksDB stores opened by Kafka Streams: every store's block cache is the one shared
 * cache of the configured size (Kafka's default would give each its own 50 MB), memtables are charged to it, and the
 * stores still read and write.
 */
class BoundedRocksDbTest {
    private static final long BOUND = 24L << 20;

    @TempDir
    Path dir;

    @Test
    void everyStoreUsesTheOneCacheOfTheConfiguredSize() {
        try (TopologyTestDriver driver = new TopologyTestDriver(topology(), props(true))) {
            pipe(driver);
            for (String store : new String[] {"a", "b"}) {
                KeyValueStore<String, String> kv = driver.getKeyValueStore(store);
                assertThat(kv.get("k")).isEqualTo("v2");
                assertThat(RocksDbSize.property(driver.getKeyValueStore(store), "rocksdb.block-cache-capacity"))
                        .as("store %s", store).hasValue(BOUND);
            }
            // one cache: both stores' blocks and charged memtables are counted in the same usage
            long a = RocksDbSize.property(driver.getKeyValueStore("a"), "rocksdb.block-cache-usage").orElseThrow();
            long b = RocksDbSize.property(driver.getKeyValueStore("b"), "rocksdb.block-cache-usage").orElseThrow();
            assertThat(a).isEqualTo(b).isEqualTo(BoundedRocksDb.shared(BOUND).cache().getUsage()).isPositive();
        }
    }

    @Test
    void withoutItEachStoreHasKafkasOwnCache() {
        try (TopologyTestDriver driver = new TopologyTestDriver(topology(), props(false))) {
            pipe(driver);
            assertThat(RocksDbSize.property(driver.getKeyValueStore("a"), "rocksdb.block-cache-capacity"))
                    .hasValue(50L * 1024 * 1024);
        }
    }

    private static void pipe(TopologyTestDriver driver) {
        TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
        in.pipeInput("k", "v1");
        in.pipeInput("k", "v2");
    }

    private Properties props(boolean bounded) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "bounded-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        if (bounded) {
            p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class.getName());
            p.put(BoundedRocksDb.MEMORY_CONFIG, BOUND);
        }
        return p;
    }

    private static Topology topology() {
        Topology t = new Topology();
        t.addSource("source", Serdes.String().deserializer(), Serdes.String().deserializer(), "in");
        t.addProcessor("put", () -> new Processor<String, String, Void, Void>() {
            private KeyValueStore<String, String> a;
            private KeyValueStore<String, String> b;

            @Override
            public void init(org.apache.kafka.streams.processor.api.ProcessorContext<Void, Void> context) {
                a = context.getStateStore("a");
                b = context.getStateStore("b");
            }

            @Override
            public void process(Record<String, String> r) {
                a.put(r.key(), r.value());
                b.put(r.key(), r.value());
            }
        }, "source");
        for (String name : new String[] {"a", "b"}) {
            t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.String())
                    .withCachingDisabled().withLoggingEnabled(Map.of()), "put");
        }
        return t;
    }
}
