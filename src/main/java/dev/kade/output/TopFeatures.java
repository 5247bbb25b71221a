package dev.kade.output;

/**
 * The features an alert lists under {@code top_features}: those with the largest errors, largest first (ties by
 * column), each with its share of the total error (an infinite error takes the whole share, split among the infinite
 * ones). One selection serves both of {@link OutputWriter}'s alert paths, the generator and {@link AlertBytes}.
 *
 * <p>Not thread-safe: one per {@link OutputWriter}, reused across alerts.
 */
final class TopFeatures {
    private int[] order = new int[0];
    private double total;
    private int infinite;

    /**
     * Selects the {@code limit} largest of the {@code width} errors at {@code errors[offset..]} and answers how many
     * there are ({@code min(limit, width)}); {@link #column} and {@link #share} then describe them.
     */
    int select(float[] errors, int offset, int width, int limit) {
        total = 0;
        infinite = 0;
        for (int j = 0; j < width; j++) {
            float e = errors[offset + j];
            total += Math.max(0, e);
            if (e == Float.POSITIVE_INFINITY) {
                infinite++;
            }
        }
        if (order.length < width) {
            order = new int[width];
        }
        for (int j = 0; j < width; j++) {
            order[j] = j;
        }
        int n = Math.min(limit, width);
        // partial selection sort: n is small (alert.top.features), and it keeps the column order on ties
        for (int k = 0; k < n; k++) {
            int best = k;
            for (int m = k + 1; m < width; m++) {
                if (Double.compare(errors[offset + order[m]], errors[offset + order[best]]) > 0) {
                    best = m;
                }
            }
            if (best != k) {
                int chosen = order[best];
                System.arraycopy(order, k, order, k + 1, best - k);
                order[k] = chosen;
            }
        }
        return n;
    }

    /** The column of the {@code k}-th selected feature. */
    int column(int k) {
        return order[k];
    }

    /** The share of error {@code e} (one of the selected) in the total, rounded to four decimals. */
    double share(float e) {
        if (infinite > 0) {
            return e == Float.POSITIVE_INFINITY ? OutputWriter.round(1.0 / infinite) : 0.0;
        }
        return total > 0 ? OutputWriter.round(Math.max(0, e) / total) : 0.0;
    }
}
