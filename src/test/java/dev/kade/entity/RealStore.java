package dev.kade.entity;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** A real RocksDB key-value store, as the stream builds it (caching off), opened in a temporary directory. */
final class RealStore {
    private RealStore() {
    }

    static KeyValueStore<Bytes, byte[]> open(Path dir) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "entity-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(p, new org.apache.kafka.streams.processor.TaskId(0, 0), dir.toFile());
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("entities"),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled().withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }
}
