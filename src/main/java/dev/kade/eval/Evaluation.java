package dev.kade.eval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * The outcome of scoring a labelled data set with a model: the metrics and the scores behind them.
 *
 * @param model  the model file
 * @param data   the data file
 * @param scores one score per row, from ONNX Runtime
 * @param labels one 0/1 label per row (1 = anomaly)
 */
public record Evaluation(String model, String data, Metrics metrics, double[] scores, int[] labels) {
    public Evaluation {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(metrics, "metrics");
        scores = scores.clone();
        labels = labels.clone();
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
        return o;
    }
}
