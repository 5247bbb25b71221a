package dev.kade.drift;

/**
 * How drift is measured ({@code drift.*} settings).
 *
 * @param windowRecords  records in the sliding window compared with the training distribution
 * @param alertPsi       the PSI at and above which the score or a feature counts as drifted (exported as
 *                       {@code kade_drift_alert_level}; the shipped alert rules compare with it)
 * @param featureSeries  features that get a series of their own in {@code kade_drift_feature_psi{feature}} (the
 *                       first ones in model order); the rest count only towards {@code kade_drift_feature_psi_max}
 */
public record DriftSettings(int windowRecords, double alertPsi, int featureSeries) {
    /** The defaults, chosen on thyroid and checked on shuttle (docs/model-lifecycle.md says how). */
    public static final DriftSettings DEFAULT = new DriftSettings(5000, 0.25, 32);

    public DriftSettings {
        if (windowRecords < 100) {
            throw new IllegalArgumentException("drift window must hold at least 100 records, got " + windowRecords);
        }
        if (!(alertPsi > 0) || !Double.isFinite(alertPsi)) {
            throw new IllegalArgumentException("drift alert level must be a positive PSI, got " + alertPsi);
        }
        if (featureSeries < 0) {
            throw new IllegalArgumentException("drift feature series must be >= 0, got " + featureSeries);
        }
    }
}
