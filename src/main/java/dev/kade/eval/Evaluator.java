package dev.kade.eval;

import dev.kade.features.DataSet;
import dev.kade.features.DataSetException;
import dev.kade.features.DataSetReader;
import dev.kade.features.ImputationPolicy;
import dev.kade.model.InvalidModelException;
import dev.kade.model.Scorer;
import dev.kade.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Scores a labelled data set with a model file through {@link OnnxModel} (ONNX Runtime, the stream's code
 * path) and measures how well the scores separate anomalies (label 1) from normal rows.
 */
public final class Evaluator {
    private static final int BATCH = 4096;

    private Evaluator() {
    }

    /** Loads the model, reads the model's features and the label column from {@code data}, and scores. */
    public static Evaluation evaluate(Path model, Path data, String labelColumn, ImputationPolicy imputation) {
        Objects.requireNonNull(labelColumn, "labelColumn");
        try (OnnxModel onnx = OnnxModel.load(model)) {
            if (onnx.window() > 1) {
                throw new InvalidModelException("model " + model + " is windowed (kade.window=" + onnx.window()
                        + "): it scores each record with its entity's history, which evaluate does not replay");
            }
            DataSet set = DataSetReader.read(data, DataSetReader.Options.defaults()
                    .withFeatures(onnx.metadata().features())
                    .withLabelColumn(labelColumn)
                    .withImputation(imputation));
            Evaluation e = evaluate(onnx, set, model.toString());
            // while the session is open: the top rows' reconstructions for the report
            TopAnomalies top = TopAnomalies.of(onnx, set.rows(), e.scores(), e.labels(), null, TopAnomalies.DEFAULT_COUNT,
                    "evaluated rows of " + data.getFileName());
            return new Evaluation(e.model(), e.data(), e.metrics(), e.scores(), e.labels(), e.familiarity(), top);
        }
    }

    /** Scores a labelled data set with any scorer. */
    public static Evaluation evaluate(Scorer scorer, DataSet set, String modelName) {
        int[] labels = set.labelsIfAny().orElseThrow(() -> new DataSetException(set.source() + ": no label column"));
        if (set.size() == 0) {
            throw new DataSetException(set.source() + ": no rows to evaluate");
        }
        double[] scores = scores(scorer, set.rows());
        Metrics m = Metrics.of(scores, labels, scorer.metadata().threshold());
        return new Evaluation(modelName, set.source(), m, scores, labels,
                FamiliarityCheck.of(scorer.metadata().distribution(), scores, labels));
    }

    /** Scores rows in batches. */
    public static double[] scores(Scorer scorer, float[][] rows) {
        double[] out = new double[rows.length];
        for (int start = 0; start < rows.length; start += BATCH) {
            int end = Math.min(rows.length, start + BATCH);
            float[] s = scorer.score(Arrays.copyOfRange(rows, start, end)).score();
            for (int i = 0; i < s.length; i++) {
                out[start + i] = s[i];
            }
        }
        return out;
    }
}
