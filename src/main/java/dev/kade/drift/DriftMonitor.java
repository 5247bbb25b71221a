package dev.kade.drift;

import dev.kade.model.ModelMetadata;
import dev.kade.model.ReferenceBins;
import java.util.List;
import java.util.Objects;

/**
 * Measures how far live data has moved from the data the serving model was trained on: the PSI of a sliding window
 * of the last {@link DriftSettings#windowRecords()} scores against the training scores' deciles (every model's
 * {@code kade.score_quantiles}), and of each feature's raw values against its training histogram (models that carry
 * {@code kade.feature_bins}: those {@code kade train} makes from now on; older models get score drift only).
 *
 * <p>Why both: a shift in one input may leave the score distribution nearly unchanged (the model reconstructs the
 * moved feature well, or the feature weighs little) and still make the model stale; a score shift with no single
 * feature moved shows a change in how features combine. Either is a reason to retrain.
 *
 * <p>A window restarts empty when another model starts to serve ({@link #serving}), since its reference changed, and
 * reads NaN until full. Windowed (per-entity) models are not monitored: their alerting score is a per-entity
 * likelihood with no training distribution. Thread-safe: stream threads report once per batch, the metrics scrape
 * reads; both take this monitor's lock, for O(batch · features) and O(features · bins) respectively.
 */
public final class DriftMonitor {
    private final DriftSettings settings;
    private ModelMetadata model;
    private PsiWindow score;
    private PsiWindow[] features = new PsiWindow[0];
    private List<String> featureNames = List.of();

    public DriftMonitor(DriftSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public DriftSettings settings() {
        return settings;
    }

    /** Another model serves from now on: the windows restart against its reference. */
    public synchronized void serving(ModelMetadata metadata) {
        Objects.requireNonNull(metadata, "metadata");
        model = metadata;
        if (metadata.window() > 1) {
            score = null;
            features = new PsiWindow[0];
            featureNames = List.of();
            return;
        }
        score = new PsiWindow(ReferenceBins.ofDistribution(metadata.distribution()), settings.windowRecords());
        List<ReferenceBins> bins = metadata.featureBins().orElse(List.of());
        features = new PsiWindow[bins.size()];
        for (int j = 0; j < bins.size(); j++) {
            features[j] = new PsiWindow(bins.get(j), settings.windowRecords());
        }
        featureNames = bins.isEmpty() ? List.of() : metadata.features();
    }

    /**
     * One batch scored by {@code scoredBy}: {@code scores[0..count)} and the raw feature rows
     * {@code rowMajor[0 .. rows·F)} (F = its feature count). Ignored when {@code scoredBy} is not the model
     * monitored now (a batch scored by the old model at the moment of a swap).
     */
    public synchronized void observe(ModelMetadata scoredBy, float[] scores, int count, float[] rowMajor, int rows) {
        if (scoredBy != model || score == null) {
            return;
        }
        for (int i = 0; i < count; i++) {
            score.add(scores[i]);
        }
        int width = features.length;
        if (width == 0 || rowMajor == null) {
            return;
        }
        for (int i = 0; i < rows; i++) {
            int base = i * width;
            for (int j = 0; j < width; j++) {
                features[j].add(rowMajor[base + j]);
            }
        }
    }

    /** PSI of the score window; NaN until the window is full, or when no per-record model is monitored. */
    public synchronized double scorePsi() {
        return score == null ? Double.NaN : score.psi();
    }

    /** Records in the score window now (at most {@link DriftSettings#windowRecords()}). */
    public synchronized int windowFill() {
        return score == null ? 0 : score.size();
    }

    /** Names of the monitored features, in model order; empty when the model carries no feature histograms. */
    public synchronized List<String> features() {
        return featureNames;
    }

    /** PSI of feature {@code name}'s window; NaN when not full or not monitored. */
    public synchronized double featurePsi(String name) {
        int j = featureNames.indexOf(name);
        return j < 0 ? Double.NaN : features[j].psi();
    }

    /** The largest feature PSI; NaN when no feature is monitored or the windows are not full. */
    public synchronized double featurePsiMax() {
        double max = Double.NaN;
        for (PsiWindow w : features) {
            double p = w.psi();
            if (!Double.isNaN(p) && (Double.isNaN(max) || p > max)) {
                max = p;
            }
        }
        return max;
    }

    /** The feature with the largest PSI now, or null (for logs and the benchmark). */
    public synchronized String mostDriftedFeature() {
        double max = Double.NEGATIVE_INFINITY;
        String name = null;
        for (int j = 0; j < features.length; j++) {
            double p = features[j].psi();
            if (!Double.isNaN(p) && p > max) {
                max = p;
                name = featureNames.get(j);
            }
        }
        return name;
    }

    /** True when the score PSI or any feature PSI is at or above the alert level (what the shipped alerts say). */
    public synchronized boolean drifted() {
        double s = scorePsi();
        double f = featurePsiMax();
        return (!Double.isNaN(s) && s >= settings.alertPsi()) || (!Double.isNaN(f) && f >= settings.alertPsi());
    }
}
