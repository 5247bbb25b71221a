package dev.kade.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A training-time histogram of one quantity (a model's score, or one raw feature): the cut points between bins
 * and the share of the training rows each bin held. Drift monitoring bins live values the same way and compares
 * the shares (population stability index, PSI), so the reference must be stored with the model that serves.
 *
 * <p>Bin k holds values v with {@code edges[k-1] <= v < edges[k]} (bin 0 everything below {@code edges[0]}, the
 * last bin everything at or above the last edge); there are {@code edges.length + 1} bins. Edges rise strictly,
 * and every bin had a positive share at training, so that the PSI of a live window is finite.
 *
 * @param edges  cut points, strictly rising, finite; may be empty (a constant quantity: one bin)
 * @param shares share of the training rows in each bin, each in (0, 1], summing to 1 (within 1e-6)
 */
public record ReferenceBins(double[] edges, double[] shares) {
    /** Bins a reference is cut into at most: the training deciles. */
    public static final int MAX_BINS = 10;

    public ReferenceBins {
        Objects.requireNonNull(edges, "edges");
        Objects.requireNonNull(shares, "shares");
        if (shares.length != edges.length + 1) {
            throw new IllegalArgumentException("reference bins need one share more than edges: " + edges.length
                    + " edges, " + shares.length + " shares");
        }
        double sum = 0;
        for (int i = 0; i < shares.length; i++) {
            if (!(shares[i] > 0 && shares[i] <= 1)) {
                throw new IllegalArgumentException("reference bin " + i + " has share " + shares[i] + ", not in (0, 1]");
            }
            sum += shares[i];
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw new IllegalArgumentException("reference bin shares sum to " + sum + ", not 1");
        }
        for (int i = 0; i < edges.length; i++) {
            if (!Double.isFinite(edges[i]) || (i > 0 && edges[i] <= edges[i - 1])) {
                throw new IllegalArgumentException("reference bin edges must be finite and strictly rising, at " + i);
            }
        }
        edges = edges.clone();
        shares = shares.clone();
    }

    /**
     * Bins of a sample at its deciles: the distinct decile values become edges, and each bin's share is counted
     * exactly, so that ties (integer or categorical features) give fewer, wider bins instead of wrong shares.
     * NaN values are ignored; a sample with no finite value gives one bin.
     */
    public static ReferenceBins ofSample(double[] values) {
        double[] sorted = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        if (sorted.length == 0) {
            return new ReferenceBins(new double[0], new double[] {1});
        }
        double[] candidates = new double[MAX_BINS - 1];
        int n = 0;
        for (int k = 1; k < MAX_BINS; k++) {
            // an order statistic, not an interpolation: edges are values the data holds, so ties stay whole
            double q = sorted[(int) Math.min(sorted.length - 1, Math.ceil(k / (double) MAX_BINS * (sorted.length - 1)))];
            // an edge at the minimum would leave bin 0 empty; equal edges would leave a bin empty
            if (q > sorted[0] && (n == 0 || q > candidates[n - 1])) {
                candidates[n++] = q;
            }
        }
        double[] edges = Arrays.copyOf(candidates, n);
        double[] shares = new double[n + 1];
        for (double v : sorted) {
            shares[binOf(edges, v)]++;
        }
        for (int i = 0; i < shares.length; i++) {
            shares[i] /= sorted.length;
        }
        return dropEmpty(edges, shares);
    }

    /**
     * Bins of a model's training scores from the deciles stored in its {@link ScoreDistribution}: every model
     * kade serves has one, so score drift works for models made before this class existed. The share of a bin is
     * the probability between its edges; tied deciles merge into one bin.
     */
    public static ReferenceBins ofDistribution(ScoreDistribution d) {
        double[] edges = new double[MAX_BINS - 1];
        double[] at = new double[MAX_BINS - 1];
        int n = 0;
        double min = d.valueAt(0);
        for (int k = 1; k < MAX_BINS; k++) {
            double p = k / (double) MAX_BINS;
            double v = d.valueAt(p);
            if (v > min && (n == 0 || v > edges[n - 1])) {
                edges[n] = v;
                at[n] = p;
                n++;
            } else if (n > 0 && v == edges[n - 1]) {
                at[n - 1] = p;
            }
        }
        double[] shares = new double[n + 1];
        double prev = 0;
        for (int i = 0; i < n; i++) {
            // a tied edge holds the whole tie: its bin starts at the tie, so the lower bin ends where the tie began
            double start = lowestProbabilityAt(d, edges[i]);
            shares[i] = start - prev;
            prev = start;
        }
        shares[n] = 1 - prev;
        return dropEmpty(Arrays.copyOf(edges, n), shares);
    }

    /** The smallest stored probability whose quantile reaches {@code v} (where a tie of v begins). */
    private static double lowestProbabilityAt(ScoreDistribution d, double v) {
        double[] p = d.probabilities();
        double[] values = d.values();
        for (int i = 0; i < values.length; i++) {
            if (values[i] >= v) {
                if (i == 0 || values[i] == v) {
                    return p[i];
                }
                double frac = (v - values[i - 1]) / (values[i] - values[i - 1]);
                return p[i - 1] + frac * (p[i] - p[i - 1]);
            }
        }
        return 1;
    }

    /** Merges each bin of (near) zero share into its left neighbour (or the right, for bin 0). */
    private static ReferenceBins dropEmpty(double[] edges, double[] shares) {
        double[] e = edges.clone();
        double[] s = shares.clone();
        int bins = s.length;
        int i = 0;
        while (i < bins && bins > 1) {
            if (s[i] > 1e-9) {
                i++;
                continue;
            }
            int into = i == 0 ? 1 : i - 1;
            s[into] += s[i];
            int edge = i == 0 ? 0 : i - 1; // the edge between the two bins
            System.arraycopy(s, i + 1, s, i, bins - i - 1);
            System.arraycopy(e, edge + 1, e, edge, bins - 2 - edge);
            bins--;
        }
        double[] shares2 = Arrays.copyOf(s, bins);
        double total = Arrays.stream(shares2).sum();
        for (int k = 0; k < bins; k++) {
            shares2[k] /= total;
        }
        return new ReferenceBins(Arrays.copyOf(e, bins - 1), shares2);
    }

    /** Number of bins ({@code edges.length + 1}). */
    public int bins() {
        return edges.length + 1;
    }

    /** The bin a value falls in; NaN falls in bin 0 (the caller decides whether to count it). */
    public int bin(double v) {
        return binOf(edges, v);
    }

    /**
     * The first edge above {@code v}. Up to {@link #MAX_BINS} edges (every reference kade trains) by counting the edges
     * at or below {@code v}, which C2 compiles without branches: a binary search's branches go either way at random for
     * live values, and drift binned every feature of every record through them (4% of the stream thread in a profile);
     * longer edge lists (a third-party model's) by binary search. Both give the same bin, NaN included (bin 0).
     */
    private static int binOf(double[] edges, double v) {
        if (edges.length <= MAX_BINS) {
            int bin = 0;
            for (double edge : edges) {
                bin += edge <= v ? 1 : 0;
            }
            return bin;
        }
        int lo = 0;
        int hi = edges.length;
        while (lo < hi) { // first edge > v
            int mid = (lo + hi) >>> 1;
            if (edges[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Share of training rows in bin k. */
    public double share(int k) {
        return shares[k];
    }

    @Override
    public double[] edges() {
        return edges.clone();
    }

    @Override
    public double[] shares() {
        return shares.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReferenceBins b && Arrays.equals(edges, b.edges) && Arrays.equals(shares, b.shares);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(edges) + Arrays.hashCode(shares);
    }

    @Override
    public String toString() {
        return "ReferenceBins[edges=" + Arrays.toString(edges) + ", shares=" + Arrays.toString(shares) + "]";
    }
}
