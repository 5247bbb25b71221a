package dev.kade.entity;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.utils.Bytes;

/**
 * Who a record belongs to: the key of its entity's state in the store, and the text shown for it on score
 * records and alerts.
 *
 * <p>Store keys start with {@link #ENTITY_PREFIX}; keys below it are the store's own bookkeeping
 * ({@link EntityStore#META_KEY}), so an ordered scan from the prefix on visits entities only. A record-key
 * entity is the prefix and the key's bytes; a field entity is the prefix and each field's UTF-8 bytes
 * behind its varint length, so that ("ab","c") and ("a","bc") are different entities.
 *
 * @param storeKey the state store key
 * @param display  the entity as text: the record key as UTF-8, one field's value, or {@code name=value}
 *                 pairs joined by {@code ,} for a composite
 */
public record EntityKey(Bytes storeKey, String display) {
    /** First byte of every entity's store key. */
    public static final byte ENTITY_PREFIX = 1;

    public EntityKey {
        Objects.requireNonNull(storeKey, "storeKey");
        Objects.requireNonNull(display, "display");
        if (storeKey.get().length < 1 || storeKey.get()[0] != ENTITY_PREFIX) {
            throw new IllegalArgumentException("an entity store key starts with " + ENTITY_PREFIX);
        }
    }

    /** The entity of a record keyed by {@code key} (non-null). */
    public static EntityKey ofRecordKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        byte[] k = new byte[key.length + 1];
        k[0] = ENTITY_PREFIX;
        System.arraycopy(key, 0, k, 1, key.length);
        return new EntityKey(Bytes.wrap(k), new String(key, StandardCharsets.UTF_8));
    }

    /** The entity named by the values of {@code names}, in that order (each non-null). */
    public static EntityKey ofFields(List<String> names, String[] values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32);
        out.write(ENTITY_PREFIX);
        StringBuilder display = new StringBuilder();
        for (int j = 0; j < names.size(); j++) {
            byte[] v = Objects.requireNonNull(values[j], names.get(j)).getBytes(StandardCharsets.UTF_8);
            writeVarint(out, v.length);
            out.write(v, 0, v.length);
            if (names.size() == 1) {
                display.append(values[j]);
            } else {
                display.append(j == 0 ? "" : ",").append(names.get(j)).append('=').append(values[j]);
            }
        }
        return new EntityKey(Bytes.wrap(out.toByteArray()), display.toString());
    }

    private static void writeVarint(ByteArrayOutputStream out, int v) {
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    @Override
    public String toString() {
        return "EntityKey[" + display + ", " + Arrays.toString(storeKey.get()) + "]";
    }
}
