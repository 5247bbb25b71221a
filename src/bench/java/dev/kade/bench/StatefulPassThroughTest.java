package dev.kade.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kade.stream.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The stateful reference app must do what the windowed benchmark says it does: copy every input to the output
 * unchanged and keep, per key, the last {@value StatefulPassThrough#STATE_BYTES} bytes of that key's inputs (else its
 * figures would not be the price of per-entity state).
 */
class StatefulPassThroughTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void copiesEveryRecordAndKeepsEachKeysLastBytes() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "stateful-reference-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        var topology = StatefulPassThrough.topology(new Topics(List.of("in"), "out", Optional.empty(), "dlq"));
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, p)) {
            var in = driver.createInputTopic("in", new ByteArraySerializer(), new ByteArraySerializer());
            var out = driver.createOutputTopic("out", new ByteArrayDeserializer(), new ByteArrayDeserializer());
            KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(StatefulPassThrough.STORE);
            StringBuilder a = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                String value = "{\"value\":" + (i * 1.5) + "}";
                a.append(value);
                in.pipeInput(bytes("a"), bytes(value));
                var r = out.readKeyValue();
                assertArrayEquals(bytes("a"), r.key);
                assertArrayEquals(bytes(value), r.value);
                byte[] all = bytes(a.toString());
                byte[] expected = new byte[StatefulPassThrough.STATE_BYTES];
                int n = Math.min(all.length, expected.length);
                System.arraycopy(all, all.length - n, expected, expected.length - n, n);
                assertArrayEquals(expected, store.get(Bytes.wrap(bytes("a"))), "state of a after " + (i + 1) + " records");
            }
            in.pipeInput(bytes("b"), bytes("x"));
            assertArrayEquals(bytes("x"), out.readValue());
            byte[] b = store.get(Bytes.wrap(bytes("b")));
            byte[] padded = new byte[StatefulPassThrough.STATE_BYTES];
            padded[padded.length - 1] = 'x';
            assertArrayEquals(padded, b, "b's state: its one input, zero-padded in front");
            assertNull(store.get(Bytes.wrap(bytes("c"))));
            assertTrue(out.isEmpty());
        }
    }
}
