package dev.kade.entity;

import java.nio.ByteBuffer;

/**
 * Unsigned LEB128 variable-length integers (7 bits a byte, low group first, the high bit set on every byte but the
 * last), as Protocol Buffers and Kafka's own record format write them: the counters and lengths of an entity
 * state, which are small for almost every entity, take one byte instead of four or eight.
 */
final class VarInts {
    private VarInts() {
    }

    /** Bytes {@link #put(ByteBuffer, int)} writes for {@code v} (read as unsigned): 1..5. */
    static int size(int v) {
        return size(v & 0xFFFF_FFFFL);
    }

    /** Bytes {@link #put(ByteBuffer, long)} writes for {@code v} (read as unsigned): 1..10. */
    static int size(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    /** Writes {@code v} as an unsigned 32-bit value. */
    static void put(ByteBuffer b, int v) {
        put(b, v & 0xFFFF_FFFFL);
    }

    /** Writes {@code v} as an unsigned 64-bit value. */
    static void put(ByteBuffer b, long v) {
        while ((v & ~0x7FL) != 0) {
            b.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }

    /**
     * Reads a value {@link #put(ByteBuffer, int)} wrote.
     *
     * @throws IllegalArgumentException when it does not fit 32 bits or does not end
     */
    static int get(ByteBuffer b) {
        long v = getLong(b);
        if ((v >>> 32) != 0) {
            throw new IllegalArgumentException("varint " + Long.toUnsignedString(v) + " does not fit 32 bits");
        }
        return (int) v;
    }

    /**
     * Reads a value {@link #put(ByteBuffer, long)} wrote.
     *
     * @throws IllegalArgumentException when it runs past 10 bytes
     * @throws java.nio.BufferUnderflowException when the bytes end inside it
     */
    static long getLong(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte x = b.get();
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes");
    }
}
