package dev.kade.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link FlatKeys#find}: a name is found exactly when its bytes are a read name's, whatever its length and wherever in
 * the record's bytes it starts; a name one byte off, a prefix or an extension is not found.
 */
class FlatKeysTest {
    @Test
    void findsExactlyTheNamesItWasBuiltWithAtAnyLengthAndOffset() {
        Map<String, RecordReader.PathNode> children = new LinkedHashMap<>();
        Random r = new Random(21);
        for (int length = 1; length <= 40; length++) {
            children.put(name(r, length), new RecordReader.PathNode());
        }
        FlatKeys keys = new FlatKeys(children, Map.of());
        int checked = 0;
        for (String name : children.keySet()) {
            byte[] b = name.getBytes(StandardCharsets.US_ASCII);
            for (int pad = 0; pad < 3; pad++) {
                byte[] record = new byte[pad + b.length + 2];
                System.arraycopy(b, 0, record, pad, b.length);
                FlatKeys.Key found = keys.find(record, pad, b.length);
                assertThat(found).as(name).isNotNull();
                assertThat(new String(found.name(), StandardCharsets.US_ASCII)).isEqualTo(name);
                assertThat(found.node()).isSameAs(children.get(name));
                // one byte different, at every position: not a read name
                for (int i = 0; i < b.length; i++) {
                    byte[] other = record.clone();
                    other[pad + i] ^= 0x01;
                    String spelled = new String(other, pad, b.length, StandardCharsets.US_ASCII);
                    assertThat(keys.find(other, pad, b.length)).as(spelled).isEqualTo(children.containsKey(spelled)
                            ? keys.find(spelled.getBytes(StandardCharsets.US_ASCII), 0, b.length) : null);
                    checked++;
                }
                // a prefix, and the name with a byte more
                if (b.length > 1 && !children.containsKey(name.substring(0, b.length - 1))) {
                    assertThat(keys.find(record, pad, b.length - 1)).isNull();
                }
                assertThat(keys.find(record, pad, b.length + 1)).isNull();
            }
        }
        assertThat(checked).isGreaterThan(2000);
    }

    private static String name(Random r, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append((char) ('a' + r.nextInt(26)));
        }
        return s.toString();
    }
}
