package dev.kade.train;

import dev.kade.features.DataSet;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ModelProbe;
import dev.kade.series.SeriesSpec;
import dev.kade.series.SeriesWindows;
import java.util.Objects;

/**
 * Trains a windowed model on {@link SeriesWindows} (made by {@link dev.kade.series.WindowBuilder} from
 * long-format data, by the stream's own rule): each window becomes one W·F-wide row in per-entity normalised
 * units, and the ordinary {@link Trainer} fits an AE, a VAE or an ensemble on those rows, with everything it
 * does for per-record models (split, standardiser, early stopping, threshold, member scales). The windowed
 * model's threshold and score distribution are the inner model's: a window's score is exactly the inner
 * model's score of its normalised row.
 *
 * <p>Windows overlap, so the random validation split holds out windows whose neighbours were trained on: the
 * threshold is that of windows like the training ones, not of unseen time. For a windowed model the stream
 * alerts on the per-entity likelihood of its scores rather than on this threshold alone.
 */
public final class WindowedTrainer {
    private final Trainer trainer;

    public WindowedTrainer(Trainer trainer) {
        this.trainer = Objects.requireNonNull(trainer, "trainer");
    }

    /**
     * Trains on {@code windows}; {@code features} names the R raw features (with seasonal residuals the model's
     * features are these followed by each {@code name~season}, {@link SeriesSpec#modelFeatures}).
     *
     * @throws IllegalArgumentException if there are fewer than two windows (no entity has W + 1 rows)
     */
    public WindowedModel train(SeriesWindows windows, java.util.List<String> features, String source, TrainConfig config,
                               ProgressListener progress) {
        Objects.requireNonNull(windows, "windows");
        SeriesSpec spec = windows.spec();
        if (features.size() != spec.rawFeatures()) {
            throw new IllegalArgumentException(features.size() + " feature names for " + spec.rawFeatures() + " raw features per step");
        }
        features = SeriesSpec.modelFeatures(features, spec.seasonal().isPresent());
        if (windows.size() < 2) {
            throw new IllegalArgumentException(source + ": need at least 2 full windows of " + spec.window()
                    + " steps to train, got " + windows.size() + " (an entity needs at least " + spec.window()
                    + " rows to give one)");
        }
        float[][] rows = windows.normalised();
        DataSet flat = DataSet.of(SeriesWindows.flatNames(features, spec.window()), rows, source);
        TrainedEnsemble inner = trainer.trainEnsemble(flat, config, progress);
        ModelMetadata im = inner.metadata();
        ModelMetadata metadata = new ModelMetadata(features, im.kind(), im.threshold(), im.distribution(), im.fingerprint(),
                im.createdAt(), im.version()).withSeries(spec);
        int[] val = DataSplit.of(rows.length, config).validation();
        float[][] probeRows = new float[val.length][];
        for (int i = 0; i < val.length; i++) {
            probeRows[i] = probeRow(windows.windows()[val[i]], windows.stats()[val[i]]);
        }
        ModelProbe probe = ModelProbe.sample(probeRows, inner.validationScores());
        return new WindowedModel(inner, metadata.withProbe(probe));
    }

    /** A probe row: the W·F raw values, then the F means and F scales. */
    static float[] probeRow(float[] window, float[] meanScale) {
        float[] row = new float[window.length + meanScale.length];
        System.arraycopy(window, 0, row, 0, window.length);
        System.arraycopy(meanScale, 0, row, window.length, meanScale.length);
        return row;
    }
}
