package dev.kade.drift;

import dev.kade.model.ReferenceBins;
import java.util.Objects;

/**
 * The last {@code capacity} values of one quantity, binned as its training reference bins them, and their
 * population stability index against that reference:
 * {@code PSI = Σ_k (a_k − e_k) · ln(a_k / e_k)} over the bins, with {@code e_k} the training share of bin k and
 * {@code a_k} the window's. A window holds bin indices only (one byte per value) and keeps its counts as it slides,
 * so {@link #add} and {@link #psi} cost O(1) and O(bins). Not thread-safe: {@link DriftMonitor} guards it.
 *
 * <p>An empty live bin would make {@code ln(a_k / e_k)} infinite; the window's shares are smoothed by half a
 * record per bin ({@code a_k = (c_k + 0.5) / (n + 0.5·B)}), which moves the PSI of a full window by far less than
 * its sampling noise.
 */
public final class PsiWindow {
    private final ReferenceBins reference;
    private final byte[] ring;
    private final int[] counts;
    private int next;
    private int size;

    /** @param capacity values in the window, at least 2 */
    public PsiWindow(ReferenceBins reference, int capacity) {
        this.reference = Objects.requireNonNull(reference, "reference");
        if (capacity < 2) {
            throw new IllegalArgumentException("a drift window needs at least 2 values, got " + capacity);
        }
        if (reference.bins() > Byte.MAX_VALUE) {
            throw new IllegalArgumentException("too many reference bins: " + reference.bins());
        }
        this.ring = new byte[capacity];
        this.counts = new int[reference.bins()];
    }

    /** Adds a value, evicting the oldest when the window is full. NaN is not a value: it is ignored. */
    public void add(double v) {
        if (Double.isNaN(v)) {
            return;
        }
        int bin = reference.bin(v);
        if (size == ring.length) {
            counts[ring[next]]--;
        } else {
            size++;
        }
        ring[next] = (byte) bin;
        counts[bin]++;
        next = next + 1 == ring.length ? 0 : next + 1;
    }

    /** True once the window holds {@code capacity} values. */
    public boolean full() {
        return size == ring.length;
    }

    /** Values in the window now. */
    public int size() {
        return size;
    }

    /** PSI of the window against the reference; NaN until the window is full (a part-filled window is noisier). */
    public double psi() {
        return full() ? psiNow() : Double.NaN;
    }

    /** PSI of whatever the window holds (NaN when empty). */
    public double psiNow() {
        if (size == 0) {
            return Double.NaN;
        }
        int bins = counts.length;
        double denominator = size + 0.5 * bins;
        double psi = 0;
        for (int k = 0; k < bins; k++) {
            double a = (counts[k] + 0.5) / denominator;
            double e = reference.share(k);
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    /** Forgets every value. */
    public void clear() {
        java.util.Arrays.fill(counts, 0);
        size = 0;
        next = 0;
    }
}
