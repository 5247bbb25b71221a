package dev.kade.drift;

import java.util.Arrays;

/**
 * How a shadow (challenger) model agrees with the serving (champion) model on the same records: over a sliding window
 * of the last {@code window} records both scored, the Spearman rank correlation of their scores and the overlap of
 * their would-be alerts (records at or above each model's own threshold: |both| / |either|, the Jaccard index), and
 * in total the records each would have alerted on. These are what a promotion decision needs: does the challenger
 * rank records as the champion does, and would it page about as often, on the same records?
 *
 * <p>Scores of the two models live on different scales (an AE's MSE, an ensemble's z-score), hence ranks and each
 * model's own threshold, never the raw scores compared. Thread-safe: stream threads report once per batch and the
 * metrics scrape reads, both under this object's lock; a read of the rank correlation sorts the window (O(w log w),
 * about a millisecond at the default 5000).
 */
public final class ShadowAgreement {
    private final float[] champion;
    private final float[] shadow;
    private final boolean[] championAlert;
    private final boolean[] shadowAlert;
    private int next;
    private int size;
    private long scored;
    private long championAlerts;
    private long shadowAlerts;
    private long bothAlerts;
    private long paired;
    private long pairedShadowAlerts;

    /** @param window records the correlation and overlap are computed over, at least 2 */
    public ShadowAgreement(int window) {
        if (window < 2) {
            throw new IllegalArgumentException("shadow agreement window must hold at least 2 records, got " + window);
        }
        champion = new float[window];
        shadow = new float[window];
        championAlert = new boolean[window];
        shadowAlert = new boolean[window];
    }

    /**
     * Records {@code 0..count)} scored by both models; a record whose either score is NaN is skipped (a row the
     * model failed on). The window restarts when either model changes ({@link #restart}).
     */
    public synchronized void observe(float[] championScores, double championThreshold, float[] shadowScores,
                                     double shadowThreshold, int count) {
        for (int i = 0; i < count; i++) {
            float c = championScores[i];
            float s = shadowScores[i];
            if (Float.isNaN(c) || Float.isNaN(s)) {
                continue;
            }
            boolean ca = c >= championThreshold;
            boolean sa = s >= shadowThreshold;
            champion[next] = c;
            shadow[next] = s;
            championAlert[next] = ca;
            shadowAlert[next] = sa;
            next = next + 1 == champion.length ? 0 : next + 1;
            size = Math.min(size + 1, champion.length);
            scored++;
            championAlerts += ca ? 1 : 0;
            shadowAlerts += sa ? 1 : 0;
            bothAlerts += ca && sa ? 1 : 0;
            paired++;
            pairedShadowAlerts += sa ? 1 : 0;
        }
    }

    /** Another champion or shadow model: the window restarts (totals are kept: they are counters). */
    public synchronized void restart() {
        size = 0;
        next = 0;
        paired = 0;
        pairedShadowAlerts = 0;
    }

    /**
     * Records both models scored since the current pair began ({@link #restart}: another champion or shadow), not
     * bounded by the window: what a promotion's "records in shadow" and "alert rate" criteria read.
     */
    public synchronized long pairedRecords() {
        return paired;
    }

    /** Of {@link #pairedRecords()}, those the shadow would have alerted on. */
    public synchronized long pairedShadowAlerts() {
        return pairedShadowAlerts;
    }

    /** Records scored by both models since start. */
    public synchronized long scored() {
        return scored;
    }

    /** Of those, how many the champion, the shadow, and both would have alerted on. */
    public synchronized long championAlerts() {
        return championAlerts;
    }

    public synchronized long shadowAlerts() {
        return shadowAlerts;
    }

    public synchronized long bothAlerts() {
        return bothAlerts;
    }

    /** Records in the window now. */
    public synchronized int windowFill() {
        return size;
    }

    /**
     * |both alert| / |either alerts| over the window; NaN when neither would alert on any record in it (nothing to
     * agree or disagree on).
     */
    public synchronized double alertOverlap() {
        int both = 0;
        int either = 0;
        for (int i = 0; i < size; i++) {
            both += championAlert[i] && shadowAlert[i] ? 1 : 0;
            either += championAlert[i] || shadowAlert[i] ? 1 : 0;
        }
        return either == 0 ? Double.NaN : both / (double) either;
    }

    /** Spearman's rank correlation of the two models' scores over the window (ties get their average rank); NaN below 2 records. */
    public synchronized double rankCorrelation() {
        if (size < 2) {
            return Double.NaN;
        }
        double[] rc = ranks(champion, size);
        double[] rs = ranks(shadow, size);
        return pearson(rc, rs);
    }

    private static double[] ranks(float[] v, int n) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(v[a], v[b]));
        double[] rank = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && Float.compare(v[order[j + 1]], v[order[i]]) == 0) {
                j++;
            }
            double average = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                rank[order[k]] = average;
            }
            i = j + 1;
        }
        return rank;
    }

    private static double pearson(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }
}
