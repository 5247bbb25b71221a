package dev.kade.tune;

/**
 * How {@code kade tune} ranks candidates; the higher value wins.
 *
 * <p>Both are areas under a ROC curve, so they read the same for an AE (mean squared error), a VAE
 * (negative ELBO) and an ensemble (mean of z-scores): only the order of the scores counts, never their
 * scale. A validation loss cannot be compared across those kinds, and it rewards capacity, because a
 * network big enough to copy its input reconstructs anomalies as well as normal rows.
 */
public enum Criterion {
    /**
     * Label-free: the mean of two ROC-AUCs, held-out normal rows against {@link SyntheticAnomalies#permuted}
     * rows and against {@link SyntheticAnomalies#beyondRange} rows made from them.
     */
    SYNTHETIC("synthetic-anomaly AUC"),
    /** ROC-AUC on a labelled validation file (label 1 = anomaly). */
    LABELLED("labelled ROC-AUC");

    private final String label;

    Criterion(String label) {
        this.label = label;
    }

    /** What the criterion is called in the table and the JSON. */
    public String label() {
        return label;
    }
}
