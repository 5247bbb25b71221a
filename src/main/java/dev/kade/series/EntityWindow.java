package dev.kade.series;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The last W steps of F floats of one entity: a ring buffer that the stream keeps per entity (in its state
 * store, as {@link #toBytes()}) and the trainer's {@link WindowBuilder} fills the same way.
 *
 * <p>Not thread-safe; one instance belongs to one entity on one stream thread.
 *
 * <p>Byte form (big-endian): format byte {@code 1}, W and F as unsigned shorts, the number of steps held as
 * an unsigned short, then the steps held, oldest first, F float32 each: {@code 7 + size·F·4} bytes.
 */
public final class EntityWindow {
    private static final byte FORMAT = 1;
    private static final int HEADER = 7;

    private final int window;
    private final int features;
    private final float[] values;
    private int head;   // index (in steps) of the oldest step
    private int size;

    /** An empty window of {@code window} steps of {@code features} floats. */
    public EntityWindow(int window, int features) {
        if (window < 1 || window > 0xFFFF) {
            throw new IllegalArgumentException("window must be 1..65535, got " + window);
        }
        if (features < 1 || features > 0xFFFF) {
            throw new IllegalArgumentException("features must be 1..65535, got " + features);
        }
        this.window = window;
        this.features = features;
        this.values = new float[window * features];
    }

    /** An empty window shaped as {@code spec} says. */
    public static EntityWindow of(SeriesSpec spec) {
        return new EntityWindow(spec.window(), spec.features());
    }

    public int window() {
        return window;
    }

    public int features() {
        return features;
    }

    /** Steps held, 0..W. */
    public int size() {
        return size;
    }

    public boolean isFull() {
        return size == window;
    }

    /**
     * Appends one step (its first F values), dropping the oldest when full.
     *
     * @throws IllegalArgumentException if {@code step} has fewer than F values
     */
    public void add(float[] step) {
        add(step, 0);
    }

    /** Appends the F values {@code step[offset..offset+F)}, dropping the oldest step when full. */
    public void add(float[] step, int offset) {
        if (step.length - offset < features) {
            throw new IllegalArgumentException("a step needs " + features + " values, got " + (step.length - offset));
        }
        int slot;
        if (size < window) {
            slot = (head + size) % window;
            size++;
        } else {
            slot = head;
            head = (head + 1) % window;
        }
        System.arraycopy(step, offset, values, slot * features, features);
    }

    /** Forgets every step (a gap policy that restarts the window). */
    public void clear() {
        head = 0;
        size = 0;
        Arrays.fill(values, 0f);
    }

    /**
     * Copies the steps held, oldest first, into {@code dst[offset..offset+size·F)}: with a full window, row-major
     * [W][F] with the newest step last, exactly the layout of one row of a windowed model's input.
     */
    public void copyTo(float[] dst, int offset) {
        int first = Math.min(size, window - head);
        System.arraycopy(values, head * features, dst, offset, first * features);
        System.arraycopy(values, 0, dst, offset + first * features, (size - first) * features);
    }

    /** The steps held, oldest first, as a new array of size·F values. */
    public float[] toArray() {
        float[] out = new float[size * features];
        copyTo(out, 0);
        return out;
    }

    /** The newest step's value of feature {@code j}. */
    public float latest(int j) {
        if (size == 0) {
            throw new IllegalStateException("window is empty");
        }
        return values[((head + size - 1) % window) * features + j];
    }

    /** The byte form described in the class Javadoc. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(encodedSize());
        writeTo(b);
        return b.array();
    }

    /** Length of {@link #toBytes()}. */
    public int encodedSize() {
        return HEADER + size * features * 4;
    }

    /**
     * Writes {@link #toBytes()} at {@code b}'s position, straight from the ring (no copy of the steps): an entity
     * state is written to the store after every batch that touched it.
     */
    public void writeTo(ByteBuffer b) {
        b.put(FORMAT).putShort((short) window).putShort((short) features).putShort((short) size);
        writeSteps(b);
    }

    /**
     * Writes only the steps held, oldest first, F float32 each ({@code size·F·4} bytes, no header) at {@code b}'s
     * position: the part of an entity state's compact form that the state's own header describes.
     */
    public void writeStepsTo(ByteBuffer b) {
        writeSteps(b);
    }

    /**
     * The steps held, oldest first, one {@code putFloat} each. Not a bulk copy through {@code b.asFloatBuffer()}: for a
     * big-endian heap buffer that allocates a view and makes a native byte-swapping copy (Unsafe.copySwapMemory) per
     * call, which a profile of a windowed kade with 1,000,000 entities found at 3% of the stream thread for states of
     * a few steps; a loop of putFloat is compiled to plain stores and costs a few nanoseconds.
     */
    private void writeSteps(ByteBuffer b) {
        int first = Math.min(size, window - head) * features;
        int all = size * features;
        int from = head * features;
        for (int i = 0; i < first; i++) {
            b.putFloat(values[from + i]);
        }
        for (int i = 0; i < all - first; i++) {
            b.putFloat(values[i]);
        }
    }

    /**
     * Reads {@code steps} steps written by {@link #writeStepsTo} into a new window of {@code window} steps of
     * {@code features} floats, advancing {@code b}.
     *
     * @throws IllegalArgumentException if {@code steps} is more than {@code window}
     */
    public static EntityWindow readSteps(int window, int features, int steps, ByteBuffer b) {
        EntityWindow out = new EntityWindow(window, features);
        if (steps < 0 || steps > window) {
            throw new IllegalArgumentException("corrupt entity window: W=" + window + " steps=" + steps);
        }
        int n = steps * features;
        // getFloat per value, not a bulk copy through a float view (see writeSteps)
        for (int i = 0; i < n; i++) {
            out.values[i] = b.getFloat();
        }
        out.size = steps;
        return out;
    }

    /**
     * Reads {@link #toBytes()}.
     *
     * @throws IllegalArgumentException if the bytes are not a window of this format
     */
    public static EntityWindow fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER || bytes[0] != FORMAT) {
            throw new IllegalArgumentException("not an entity window (format " + FORMAT + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.get();
        int w = Short.toUnsignedInt(b.getShort());
        int f = Short.toUnsignedInt(b.getShort());
        int n = Short.toUnsignedInt(b.getShort());
        if (w < 1 || f < 1 || n > w || bytes.length != HEADER + n * f * 4) {
            throw new IllegalArgumentException("corrupt entity window: W=" + w + " F=" + f + " steps=" + n
                    + " in " + bytes.length + " bytes");
        }
        EntityWindow out = new EntityWindow(w, f);
        b.asFloatBuffer().get(out.values, 0, n * f);
        out.size = n;
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EntityWindow e && e.window == window && e.features == features
                && Arrays.equals(toArray(), e.toArray());
    }

    @Override
    public int hashCode() {
        return 31 * (31 * window + features) + Arrays.hashCode(toArray());
    }

    @Override
    public String toString() {
        return "EntityWindow[W=" + window + ", F=" + features + ", steps=" + size + "]";
    }
}
