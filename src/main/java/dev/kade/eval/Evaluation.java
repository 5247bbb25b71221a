package dev.kade.eval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of scoring a labelled data set with a model: the metrics and the scores behind them.
 *
 * @param model  the model file
 * @param data   the data file
 * @param scores one score per row, from ONNX Runtime
 * @param labels one 0/1 label per row (1 = anomaly)
 * @param familiarity how the data's normal rows score against the model's own validation scores
 * @param top    the highest-scoring rows with their reconstructions, for the report; null when not examined
 */
public record Evaluation(String model, String data, Metrics metrics, double[] scores, int[] labels,
                         FamiliarityCheck familiarity, TopAnomalies top) {
    public Evaluation {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(familiarity, "familiarity");
        scores = scores.clone();
        labels = labels.clone();
    }

    /** Without top anomalies. */
    public Evaluation(String model, String data, Metrics metrics, double[] scores, int[] labels, FamiliarityCheck familiarity) {
        this(model, data, metrics, scores, labels, familiarity, null);
    }

    /** The JSON the CLI prints: one object, snake_case keys. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("model", model);
        o.put("data", data);
        o.put("n", metrics.n());
        o.put("anomalies", metrics.anomalies());
        o.put("roc_auc", metrics.rocAuc());
        o.put("pr_auc", metrics.prAuc());
        o.put("threshold", metrics.threshold());
        o.put("precision", metrics.precision());
        o.put("recall", metrics.recall());
        o.put("f1", metrics.f1());
        o.put("flagged", metrics.truePositives() + metrics.falsePositives());
        o.put("true_positives", metrics.truePositives());
        o.put("false_positives", metrics.falsePositives());
        o.put("false_negatives", metrics.falseNegatives());
        o.put("true_negatives", metrics.trueNegatives());
        if (familiarity.normalRows() > 0) {
            o.put("normal_median_score", familiarity.normalMedian());
        }
        o.put("validation_p99_score", familiarity.storedQuantile());
        var warnings = o.putArray("warnings");
        warning().ifPresent(warnings::add);
        return o;
    }

    /** Why these figures may not describe the model on its own kind of data; empty when nothing is amiss. */
    public Optional<String> warning() {
        return familiarity.warning(data);
    }
}
