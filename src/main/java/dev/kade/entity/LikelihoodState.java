package dev.kade.entity;

import java.nio.ByteBuffer;

/**
 * One entity's anomaly-likelihood state: the last raw scores (a ring), how many short-term means have been
 * folded into the long-term distribution, that distribution's mean and variance, and the hold-off countdown.
 * Mutable, owned by one {@link EntityState}.
 *
 * <p>Encoded in {@code 23 + 4 * shortWindow} bytes: ring length, folded count (int), mean, variance (doubles),
 * hold-off left (unsigned short), ring position, then the ring.
 */
public final class LikelihoodState {
    final float[] recent;
    /** Next slot of {@link #recent} to write. */
    int next;
    /** Raw scores seen (saturates at Integer.MAX_VALUE); also the short-term means folded in. */
    int count;
    double mean;
    double variance;
    /** Records the output stays capped for. */
    int hold;

    public LikelihoodState(int shortWindow) {
        this.recent = new float[shortWindow];
    }

    /** Scores seen so far. */
    public int count() {
        return count;
    }

    int encodedSize() {
        return 1 + 4 + 8 + 8 + 2 + 1 + 4 * recent.length;
    }

    void writeTo(ByteBuffer out) {
        out.put((byte) recent.length);
        out.putInt(count);
        out.putDouble(mean);
        out.putDouble(variance);
        out.putShort((short) Math.min(hold, 0xFFFF));
        out.put((byte) next);
        for (float f : recent) {
            out.putFloat(f);
        }
    }

    static LikelihoodState readFrom(ByteBuffer in, int shortWindow) {
        int stored = in.get() & 0xFF;
        int count = in.getInt();
        double mean = in.getDouble();
        double variance = in.getDouble();
        int hold = Short.toUnsignedInt(in.getShort());
        int next = in.get() & 0xFF;
        float[] ring = new float[stored];
        for (int i = 0; i < stored; i++) {
            ring[i] = in.getFloat();
        }
        LikelihoodState s = new LikelihoodState(shortWindow);
        if (stored == shortWindow && next < stored) {
            System.arraycopy(ring, 0, s.recent, 0, stored);
            s.next = next;
            s.count = count;
            s.mean = mean;
            s.variance = variance;
            s.hold = hold;
        }
        // a state written with another short window starts the likelihood afresh (the setting changed)
        return s;
    }
}
