package dev.kade.entity;

import java.nio.ByteBuffer;

/**
 * One entity's anomaly-likelihood state, one channel per feature of the model's {@code feature_errors}: for each,
 * the last errors (a ring) and the long-term mean and variance of their short-term means; shared by all channels,
 * how many records have been folded in, the ring position and the hold-off countdown. Mutable, owned by one
 * {@link EntityState}.
 *
 * <p>Encoded in {@code 9 + F·(16 + 4·shortWindow)} bytes: ring length, F (unsigned byte pair), count (int), hold-off
 * left (unsigned short), ring position, then per channel its mean and variance (doubles) and its ring (floats).
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

    int encodedSize() {
        return 1 + 2 + 4 + 2 + 1 + channels * (16 + 4 * recent[0].length);
    }

    void writeTo(ByteBuffer out) {
        out.put((byte) recent[0].length);
        out.putShort((short) channels);
        out.putInt(count);
        out.putShort((short) Math.min(hold, 0xFFFF));
        out.put((byte) next);
        for (int c = 0; c < channels; c++) {
            out.putDouble(mean[c]);
            out.putDouble(variance[c]);
            for (float f : recent[c]) {
                out.putFloat(f);
            }
        }
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
