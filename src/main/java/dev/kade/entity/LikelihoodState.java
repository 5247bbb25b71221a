package dev.kade.entity;

import java.nio.ByteBuffer;

/**
 * One entity's anomaly-likelihood state, one channel per feature of the model's {@code feature_errors}: for each,
 * the last errors (a ring) and the long-term mean and variance of their short-term means; shared by all channels,
 * how many records have been folded in, the ring position and the hold-off countdown. Mutable, owned by one
 * {@link EntityState}.
 *
 * <p>Entity state version 1 encoded it in {@code 9 + F·(16 + 4·shortWindow)} bytes: ring length, F (unsigned byte pair), count (int), hold-off
 * left (unsigned short), ring position, then per channel its mean and variance (doubles) and its ring (floats)
 * ({@link #readFrom}, still read); version 2 writes the compact form of {@link #writeCompactTo}.
 */
public final class LikelihoodState {
    final int channels;
    final float[][] recent;
    final double[] mean;
    final double[] variance;
    /** Next slot of each ring to write. */
    int next;
    /** Records folded in (saturates at Integer.MAX_VALUE). */
    int count;
    /** Records the output stays capped for. */
    int hold;

    public LikelihoodState(int shortWindow, int channels) {
        this.channels = channels;
        this.recent = new float[channels][shortWindow];
        this.mean = new double[channels];
        this.variance = new double[channels];
    }

    /** Records folded in so far. */
    public int count() {
        return count;
    }

    /**
     * Ring slots the compact form writes: while fewer records than the ring holds have been folded in, only the
     * slots written so far (the ring fills from slot 0, so they are {@code 0..count−1}); else all of them.
     */
    private int filledSlots() {
        int k = recent[0].length;
        return count < k && next == count ? count : k;
    }

    /** Length of {@link #writeCompactTo}. */
    int compactSize() {
        int slots = filledSlots();
        return 1 + VarInts.size(channels) + VarInts.size(count) + VarInts.size(hold) + 1 + VarInts.size(slots)
                + (count == 0 && slots == 0 ? 0 : channels * (16 + 4 * slots));
    }

    /**
     * The compact form (entity state version 2): ring length (byte), F, count and hold-off left (unsigned varints),
     * ring position (byte), the slots written (unsigned varint, n), then per channel its mean and variance
     * (doubles) and ring slots {@code 0..n−1} (floats); a state with nothing folded in writes no channel values
     * (all zero). A warming-up entity's likelihood is then 6 bytes (F < 128) instead of {@code 9 + F·(16 + 4·k)}.
     */
    void writeCompactTo(ByteBuffer out) {
        int slots = filledSlots();
        out.put((byte) recent[0].length);
        VarInts.put(out, channels);
        VarInts.put(out, count);
        VarInts.put(out, hold);
        out.put((byte) next);
        VarInts.put(out, slots);
        if (count == 0 && slots == 0) {
            return;
        }
        for (int c = 0; c < channels; c++) {
            out.putDouble(mean[c]);
            out.putDouble(variance[c]);
            for (int i = 0; i < slots; i++) {
                out.putFloat(recent[c][i]);
            }
        }
    }

    /** Reads {@link #writeCompactTo}; a state of another ring length or F starts afresh, as in {@link #readFrom}. */
    static LikelihoodState readCompactFrom(ByteBuffer in, int shortWindow, int channels) {
        int k = in.get() & 0xFF;
        int stored = VarInts.get(in);
        int count = VarInts.get(in);
        int hold = VarInts.get(in);
        int next = in.get() & 0xFF;
        int slots = VarInts.get(in);
        if (slots > Math.max(1, k)) {
            throw new IllegalArgumentException("corrupt likelihood state: " + slots + " slots of " + k);
        }
        LikelihoodState read = new LikelihoodState(Math.max(1, k), stored);
        if (count != 0 || slots != 0) {
            for (int c = 0; c < stored; c++) {
                read.mean[c] = in.getDouble();
                read.variance[c] = in.getDouble();
                for (int i = 0; i < slots; i++) {
                    read.recent[c][i] = in.getFloat();
                }
            }
        }
        if (k == shortWindow && stored == channels && next < k) {
            read.next = next;
            read.count = count;
            read.hold = hold;
            return read;
        }
        return new LikelihoodState(shortWindow, channels);
    }

    static LikelihoodState readFrom(ByteBuffer in, int shortWindow, int channels) {
        int k = in.get() & 0xFF;
        int stored = Short.toUnsignedInt(in.getShort());
        int count = in.getInt();
        int hold = Short.toUnsignedInt(in.getShort());
        int next = in.get() & 0xFF;
        LikelihoodState read = new LikelihoodState(Math.max(1, k), stored);
        for (int c = 0; c < stored; c++) {
            read.mean[c] = in.getDouble();
            read.variance[c] = in.getDouble();
            for (int i = 0; i < k; i++) {
                read.recent[c][i] = in.getFloat();
            }
        }
        if (k == shortWindow && stored == channels && next < k) {
            read.next = next;
            read.count = count;
            read.hold = hold;
            return read;
        }
        // written under another short window or feature count (settings or model changed): start afresh
        return new LikelihoodState(shortWindow, channels);
    }
}
