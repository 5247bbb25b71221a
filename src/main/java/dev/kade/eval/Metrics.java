package dev.kade.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Detection quality of scores against 0/1 labels (1 = anomaly; a higher score means more anomalous).
 *
 * <p>ROC-AUC is the Mann-Whitney statistic with ties counted half. PR-AUC is average precision,
 * {@code Σ_k (R_k − R_{k−1}) · P_k} over distinct score thresholds, as scikit-learn computes it.
 * Precision, recall and F1 take a record as anomalous when its score is at or above the threshold.
 */
public record Metrics(int n, int anomalies, double rocAuc, double prAuc, double threshold,
                      int truePositives, int falsePositives, int falseNegatives, int trueNegatives) {

    /** One point of a curve. */
    public record Point(double x, double y) {
    }

    public double precision() {
        int predicted = truePositives + falsePositives;
        return predicted == 0 ? 0 : (double) truePositives / predicted;
    }

    public double recall() {
        return anomalies == 0 ? 0 : (double) truePositives / anomalies;
    }

    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** Normal rows the threshold flags, as a share of all normal rows; NaN when there is no normal row. */
    public double falseAlarmRate() {
        int normals = falsePositives + trueNegatives;
        return normals == 0 ? Double.NaN : (double) falsePositives / normals;
    }

    /**
     * Why ROC and PR figures cannot be computed, when the labels hold one class only (for example when
     * measuring false alarms on normal-only data); empty when both classes are present.
     */
    public java.util.Optional<String> oneClass() {
        if (anomalies == 0) {
            return java.util.Optional.of("every row is labelled 0 (normal): ROC and precision-recall need both classes; "
                    + "the false-alarm rate at the threshold and the score quantiles are what normal-only data measures");
        }
        if (anomalies == n) {
            return java.util.Optional.of("every row is labelled 1 (anomaly): ROC and precision-recall need both classes; "
                    + "recall at the threshold (the share of anomalies flagged) is what anomaly-only data measures");
        }
        return java.util.Optional.empty();
    }

    /** Computes every metric; the AUCs are NaN unless there is at least one anomaly and one normal label. */
    public static Metrics of(double[] scores, int[] labels, double threshold) {
        check(scores, labels);
        int tp = 0;
        int fp = 0;
        int fn = 0;
        int tn = 0;
        int anomalies = 0;
        for (int i = 0; i < scores.length; i++) {
            boolean flagged = scores[i] >= threshold;
            boolean anomaly = labels[i] == 1;
            anomalies += anomaly ? 1 : 0;
            if (flagged && anomaly) {
                tp++;
            } else if (flagged) {
                fp++;
            } else if (anomaly) {
                fn++;
            } else {
                tn++;
            }
        }
        return new Metrics(scores.length, anomalies, rocAuc(scores, labels), averagePrecision(scores, labels),
                threshold, tp, fp, fn, tn);
    }

    /** Area under the ROC curve: P(score of a random anomaly > score of a random normal), ties half. */
    public static double rocAuc(double[] scores, int[] labels) {
        check(scores, labels);
        Integer[] order = sortedAscending(scores);
        long positives = Arrays.stream(labels).filter(l -> l == 1).count();
        long negatives = labels.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        double rankSum = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double midRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] == 1) {
                    rankSum += midRank;
                }
            }
            i = j + 1;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** Average precision (area under the precision-recall curve, step-wise). */
    public static double averagePrecision(double[] scores, int[] labels) {
        List<Point> pr = prCurve(scores, labels);
        double ap = 0;
        double prevRecall = 0;
        for (Point p : pr) {
            ap += (p.x() - prevRecall) * p.y();
            prevRecall = p.x();
        }
        return pr.isEmpty() ? Double.NaN : ap;
    }

    /** ROC curve points (false positive rate, true positive rate) from (0,0) to (1,1). */
    public static List<Point> rocCurve(double[] scores, int[] labels) {
        check(scores, labels);
        Integer[] order = sortedDescending(scores);
        long positives = Arrays.stream(labels).filter(l -> l == 1).count();
        long negatives = labels.length - positives;
        List<Point> points = new ArrayList<>();
        points.add(new Point(0, 0));
        int tp = 0;
        int fp = 0;
        for (int i = 0; i < order.length; i++) {
            if (labels[order[i]] == 1) {
                tp++;
            } else {
                fp++;
            }
            if (i + 1 == order.length || scores[order[i + 1]] != scores[order[i]]) {
                points.add(new Point(negatives == 0 ? 0 : (double) fp / negatives, positives == 0 ? 0 : (double) tp / positives));
            }
        }
        return points;
    }

    /** Precision-recall points (recall, precision), one per distinct threshold, by rising recall. */
    public static List<Point> prCurve(double[] scores, int[] labels) {
        check(scores, labels);
        Integer[] order = sortedDescending(scores);
        long positives = Arrays.stream(labels).filter(l -> l == 1).count();
        List<Point> points = new ArrayList<>();
        if (positives == 0) {
            return points;
        }
        int tp = 0;
        for (int i = 0; i < order.length; i++) {
            if (labels[order[i]] == 1) {
                tp++;
            }
            if (i + 1 == order.length || scores[order[i + 1]] != scores[order[i]]) {
                points.add(new Point((double) tp / positives, (double) tp / (i + 1)));
            }
        }
        return points;
    }

    private static Integer[] sortedAscending(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
        return order;
    }

    private static Integer[] sortedDescending(double[] scores) {
        Integer[] order = sortedAscending(scores);
        Integer[] desc = new Integer[order.length];
        for (int i = 0; i < order.length; i++) {
            desc[i] = order[order.length - 1 - i];
        }
        return desc;
    }

    private static void check(double[] scores, int[] labels) {
        Objects.requireNonNull(scores, "scores");
        Objects.requireNonNull(labels, "labels");
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + labels.length + " labels");
        }
        for (int l : labels) {
            if (l != 0 && l != 1) {
                throw new IllegalArgumentException("labels must be 0 or 1, got " + l);
            }
        }
        for (double s : scores) {
            if (Double.isNaN(s)) {
                throw new IllegalArgumentException("a score is NaN");
            }
        }
    }
}
