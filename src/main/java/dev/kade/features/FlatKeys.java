package dev.kade.features;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The top-level names a {@link RecordReader} reads, looked up by the bytes of a record's member name without making a
 * {@code String} of it: each name's path node (its features, and those below it) and the features it names exactly
 * when it contains a dot. An open-addressing table, built once per reader, read-only afterwards (thread-safe).
 */
final class FlatKeys {
    private static final int[] NONE = new int[0];

    /** One name: the features it names exactly, and its node in the path tree (null when it only names exactly). */
    record Key(byte[] name, int[] exact, RecordReader.PathNode node) {
    }

    private final Key[] table;
    private final int mask;

    FlatKeys(Map<String, RecordReader.PathNode> children, Map<String, int[]> exactDotted) {
        int size = Integer.highestOneBit(Math.max(4, (children.size() + exactDotted.size()) * 4) - 1) << 1;
        table = new Key[size];
        mask = size - 1;
        children.forEach((name, node) -> put(new Key(bytes(name), exactDotted.getOrDefault(name, NONE), node)));
        exactDotted.forEach((name, exact) -> {
            if (!children.containsKey(name)) {
                put(new Key(bytes(name), exact, null));
            }
        });
    }

    /** The key spelled by {@code b[start, start + length)}, or null when the reader does not read that name. */
    Key find(byte[] b, int start, int length) {
        int slot = hash(b, start, length) & mask;
        while (true) {
            Key k = table[slot];
            if (k == null) {
                return null;
            }
            if (k.name.length == length && Arrays.equals(k.name, 0, length, b, start, start + length)) {
                return k;
            }
            slot = (slot + 1) & mask;
        }
    }

    private void put(Key k) {
        int slot = hash(k.name, 0, k.name.length) & mask;
        while (table[slot] != null) {
            slot = (slot + 1) & mask;
        }
        table[slot] = k;
    }

    private static byte[] bytes(String name) {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    private static int hash(byte[] b, int start, int length) {
        int h = length;
        for (int i = start; i < start + length; i++) {
            h = 31 * h + b[i];
        }
        return h ^ (h >>> 16);
    }
}
