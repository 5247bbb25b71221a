package dev.kade.eval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.kade.model.ScoreDistribution;
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
        Optional<String> oneClass = metrics.oneClass();
        number(o, "roc_auc", oneClass.isPresent() ? Double.NaN : metrics.rocAuc());
        number(o, "pr_auc", oneClass.isPresent() ? Double.NaN : metrics.prAuc());
        oneClass.ifPresent(reason -> o.put("curves_unavailable", reason));
        o.put("threshold", metrics.threshold());
        boolean noAnomalies = metrics.anomalies() == 0;
        number(o, "precision", noAnomalies ? Double.NaN : metrics.precision());
        number(o, "recall", noAnomalies ? Double.NaN : metrics.recall());
        number(o, "f1", noAnomalies ? Double.NaN : metrics.f1());
        o.put("flagged", metrics.truePositives() + metrics.falsePositives());
        number(o, "false_alarm_rate", metrics.falseAlarmRate());
        o.put("true_positives", metrics.truePositives());
        o.put("false_positives", metrics.falsePositives());
        o.put("false_negatives", metrics.falseNegatives());
        o.put("true_negatives", metrics.trueNegatives());
        double[] sorted = scores.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 0; i < SCORE_QUANTILES.length; i++) {
            o.put(SCORE_QUANTILE_KEYS[i], ScoreDistribution.quantile(sorted, SCORE_QUANTILES[i]));
        }
        o.put("score_max", sorted[sorted.length - 1]);
        if (familiarity.normalRows() > 0) {
            o.put("normal_median_score", familiarity.normalMedian());
        }
        o.put("validation_p99_score", familiarity.storedQuantile());
        var warnings = o.putArray("warnings");
        warning().ifPresent(warnings::add);
        return o;
    }

    /** Score quantiles the JSON reports ({@code score_p50} ...), with every row's score behind them. */
    static final double[] SCORE_QUANTILES = {0.5, 0.9, 0.99, 0.999};
    static final String[] SCORE_QUANTILE_KEYS = {"score_p50", "score_p90", "score_p99", "score_p999"};

    /** A number, or JSON null when it is not defined (never the string "NaN" that Jackson would write). */
    private static void number(ObjectNode o, String key, double value) {
        if (Double.isFinite(value)) {
            o.put(key, value);
        } else {
            o.putNull(key);
        }
    }

    /** Why these figures may not describe the model on its own kind of data; empty when nothing is amiss. */
    public Optional<String> warning() {
        return familiarity.warning(data);
    }
}
