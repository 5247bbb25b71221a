package dev.kade.eval;

import dev.kade.model.ScoreDistribution;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether labelled data looks like the data a model was trained on, judged by how the model scores the
 * data's normal rows (label 0) against the scores it gave its own held-out normal data
 * ({@code kade.score_quantiles}).
 *
 * <p>Why this test: {@code evaluate} accepts any file whose columns carry the model's feature names, so a file
 * from another source or in other units is scored without complaint, and its ROC-AUC says nothing useful.
 * The normal rows of data like the training data score like the validation rows: their median sits near the
 * stored median. Here it must sit above the stored {@value #QUANTILE} quantile to warn, that is, more than half
 * of the "normal" rows look more unusual than 99% of the validation rows: far beyond what sampling, or the
 * drift a real test split has, does. (The training fingerprint cannot serve: a test split is by definition
 * other rows than the training data, so it always differs.)
 *
 * @param normalRows  rows with label 0
 * @param normalMedian median score of those rows (NaN when there are none)
 * @param storedQuantile the model's stored score at {@value #QUANTILE}
 */
public record FamiliarityCheck(int normalRows, double normalMedian, double storedQuantile) {
    /** The stored quantile the normal rows' median is compared with. */
    public static final double QUANTILE = 0.99;

    /** Scores of the data set's rows with their labels, against the model's stored score distribution. */
    public static FamiliarityCheck of(ScoreDistribution stored, double[] scores, int[] labels) {
        Objects.requireNonNull(stored, "stored");
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + labels.length + " labels");
        }
        double[] normal = new double[scores.length];
        int n = 0;
        for (int i = 0; i < scores.length; i++) {
            if (labels[i] == 0) {
                normal[n++] = scores[i];
            }
        }
        double[] sorted = Arrays.copyOf(normal, n);
        Arrays.sort(sorted);
        double median = n == 0 ? Double.NaN : ScoreDistribution.quantile(sorted, 0.5);
        return new FamiliarityCheck(n, median, stored.valueAt(QUANTILE));
    }

    /** True when the normal rows score far above the model's own normal data. */
    public boolean unlikeTraining() {
        return normalRows > 0 && normalMedian > storedQuantile;
    }

    /** The warning for an operator, naming the data and the figures; empty when the data looks familiar. */
    public Optional<String> warning(String data) {
        if (!unlikeTraining()) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "%s looks unlike the model's training data: the median score of its %d "
                + "normal rows (label 0) is %.6g, above %.6g, the %.2f quantile of the model's own validation scores "
                + "(kade.score_quantiles). Check units, source and column meaning; the figures below say little about "
                + "this model on its own kind of data.", data, normalRows, normalMedian, storedQuantile, QUANTILE));
    }
}
