package dev.kade.bench;

import dev.kade.stream.Topics;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The least a Kafka Streams app that keeps per-entity state does per record, as a reference beside the pass-through
 * in the windowed stream benchmark: read the record key's value from a changelogged RocksDB store (caching disabled,
 * as kade's entity store), put back a new value of {@value #STATE_BYTES} bytes (the last bytes of the old value and the
 * input, a naive window of raw records; about the size of kade's state for an entity of 1 to 3 records, 51-59 bytes),
 * and copy the input to the output unchanged. No parsing, no scoring, no rendering: what is left of kade's cost
 * above this app's is kade's own work; what this app costs above the pass-through is Kafka Streams' price of
 * per-entity state (a RocksDB read and write, and a changelog record, per input).
 *
 * <p>It writes each record's state when it reads it (one {@code put} per record), where kade collects a batch's states
 * and writes them in one {@code putAll} at the pre-commit flush. Like the pass-through it runs on
 * {@code StreamsSetup.properties(config)}: Kafka Streams' default RocksDB settings and Kafka's default producer (no
 * compression), where kade bounds its stores' memory and compresses with lz4.
 */
final class StatefulPassThrough {
    static final String STORE = "reference-state";
    static final int STATE_BYTES = 56;

    private StatefulPassThrough() {
    }

    static Topology topology(Topics topics) {
        var bytesIn = Topics.SERDE.deserializer();
        var bytesOut = Topics.SERDE.serializer();
        Topology t = new Topology();
        t.addSource("source", bytesIn, bytesIn, topics.input().toArray(String[]::new));
        t.addProcessor("state", StateProcessor::new, "source");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withCachingDisabled().withLoggingEnabled(Map.of()), "state");
        t.addSink("sink", topics.alerts(), bytesOut, bytesOut, "state");
        return t;
    }

    private static final class StateProcessor implements Processor<byte[], byte[], byte[], byte[]> {
        private ProcessorContext<byte[], byte[]> context;
        private KeyValueStore<Bytes, byte[]> store;

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            Bytes key = Bytes.wrap(record.key());
            byte[] old = store.get(key);
            store.put(key, next(old, record.value() == null ? new byte[0] : record.value()));
            context.forward(record);
        }
    }

    /** The last {@value #STATE_BYTES} bytes of {@code old} followed by {@code value}, zero-padded in front when shorter. */
    static byte[] next(byte[] old, byte[] value) {
        byte[] out = new byte[STATE_BYTES];
        int fromValue = Math.min(value.length, STATE_BYTES);
        System.arraycopy(value, value.length - fromValue, out, STATE_BYTES - fromValue, fromValue);
        int fromOld = old == null ? 0 : Math.min(old.length, STATE_BYTES - fromValue);
        if (fromOld > 0) {
            System.arraycopy(old, old.length - fromOld, out, STATE_BYTES - fromValue - fromOld, fromOld);
        }
        return out;
    }
}
