package dev.kade.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * Quantiles of the scores a model gave its own training data, so that an online score can be read as a
 * percentile ("this record scored above 99.97% of training records").
 *
 * <p>{@code probabilities} rise strictly from 0 to 1; {@code values} are the matching score quantiles and
 * never decrease. Between points the percentile is interpolated linearly.
 */
public record ScoreDistribution(double[] probabilities, double[] values) {

    /** Probabilities used by {@link #fromScores}: every percent, plus a finer tail where alerts live. */
    public static final double[] DEFAULT_PROBABILITIES = defaultProbabilities();

    public ScoreDistribution {
        Objects.requireNonNull(probabilities, "probabilities");
        Objects.requireNonNull(values, "values");
        if (probabilities.length != values.length || probabilities.length < 2) {
            throw new IllegalArgumentException("score distribution needs at least two matching probabilities and values");
        }
        for (int i = 0; i < probabilities.length; i++) {
            if (!Double.isFinite(values[i]) || !(probabilities[i] >= 0 && probabilities[i] <= 1)) {
                throw new IllegalArgumentException("score distribution point " + i + " is not finite or out of [0,1]");
            }
            if (i > 0 && (probabilities[i] <= probabilities[i - 1] || values[i] < values[i - 1])) {
                throw new IllegalArgumentException("score distribution is not monotone at point " + i);
            }
        }
        probabilities = probabilities.clone();
        values = values.clone();
    }

    /** Empirical quantiles (linear interpolation between order statistics) of the given scores. */
    public static ScoreDistribution fromScores(double[] scores) {
        if (scores.length == 0) {
            throw new IllegalArgumentException("no scores to build a distribution from");
        }
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        double[] values = new double[DEFAULT_PROBABILITIES.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = quantile(sorted, DEFAULT_PROBABILITIES[i]);
        }
        return new ScoreDistribution(DEFAULT_PROBABILITIES, values);
    }

    /** The q-quantile of already sorted values, interpolating linearly between order statistics. */
    public static double quantile(double[] sorted, double q) {
        if (sorted.length == 1) {
            return sorted[0];
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /** Percentile (0..100) of a score among training scores; 100 for anything above the largest seen. */
    public double percentile(double score) {
        if (Double.isNaN(score)) {
            return Double.NaN;
        }
        if (score < values[0]) {
            return 100 * probabilities[0];
        }
        int last = values.length - 1;
        if (score >= values[last]) {
            return 100 * probabilities[last];
        }
        // the last point whose value is <= score (values may repeat: take the highest such point), by binary
        // search for the first point above score (values[last] is): called twice per scored record
        int lo = 1;
        int hi = last;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (values[mid] > score) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        int i = lo - 1;
        double span = values[i + 1] - values[i];
        double frac = span > 0 ? (score - values[i]) / span : 0;
        return 100 * (probabilities[i] + frac * (probabilities[i + 1] - probabilities[i]));
    }

    /** Score at probability q, interpolated on the stored points. */
    public double valueAt(double q) {
        if (q <= probabilities[0]) {
            return values[0];
        }
        for (int i = 1; i < probabilities.length; i++) {
            if (q <= probabilities[i]) {
                double frac = (q - probabilities[i - 1]) / (probabilities[i] - probabilities[i - 1]);
                return values[i - 1] + frac * (values[i] - values[i - 1]);
            }
        }
        return values[values.length - 1];
    }

    @Override
    public double[] probabilities() {
        return probabilities.clone();
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoreDistribution d
                && Arrays.equals(probabilities, d.probabilities) && Arrays.equals(values, d.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(probabilities) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "ScoreDistribution[p50=" + valueAt(0.5) + ", p99=" + valueAt(0.99) + ", max=" + values[values.length - 1] + "]";
    }

    private static double[] defaultProbabilities() {
        double[] tail = {0.991, 0.992, 0.993, 0.994, 0.995, 0.996, 0.997, 0.998, 0.999, 0.9995, 0.9999, 1.0};
        double[] p = new double[100 + tail.length];
        for (int i = 0; i < 100; i++) {
            p[i] = i / 100.0;
        }
        System.arraycopy(tail, 0, p, 100, tail.length);
        // 0.99 is p[99]; the tail starts above it
        return p;
    }
}
