package dev.kade.entity;

import java.nio.ByteBuffer;

/**
 * One entity's anomaly-likelihood state: the last raw scores (a ring), how many scores it has seen, and the
 * long-term mean and variance of the short-term averages. Mutable, owned by one {@link EntityState}.
 *
 * <p>Encoded in {@code 22 + 4 * shortWindow} bytes.
 */
public final class LikelihoodState {
    final float[] recent;
    /** Next slot of {@link #recent} to write. */
    int next;
    /** Scores seen (saturates at Integer.MAX_VALUE). */
    int count;
    double mean;
    double variance;

    public LikelihoodState(int shortWindow) {
        this.recent = new float[shortWindow];
    }

    /** Scores seen so far. */
    public int count() {
        return count;
    }

    int encodedSize() {
        return 1 + 4 + 8 + 8 + 1 + 4 * recent.length;
    }

    void writeTo(ByteBuffer out) {
        out.put((byte) recent.length);
        out.putInt(count);
        out.putDouble(mean);
        out.putDouble(variance);
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
        }
        // a state written with another short window starts the likelihood afresh (the window changed with the model)
        return s;
    }
}
