package dev.kade.eval;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * ROC-AUC and PR-AUC of one model's scores over K disjoint, stratified folds of a labelled set: mean and
 * standard deviation. It answers "how much does this figure depend on which anomalies happened to be in
 * the sample", which a single number hides on sets with a few dozen anomalies. The model is not retrained
 * (kade trains on normal data only, so a held-out fold of a labelled file is already unseen); folds are
 * drawn with a fixed seed, so the same data give the same folds.
 *
 * @param folds  K
 * @param rocAuc per-fold ROC-AUC
 * @param prAuc  per-fold PR-AUC (average precision)
 */
public record FoldMetrics(int folds, double[] rocAuc, double[] prAuc) {
    private static final long SEED = 42;

    public FoldMetrics {
        rocAuc = rocAuc.clone();
        prAuc = prAuc.clone();
    }

    /**
     * Splits rows into {@code k} folds, anomalies and normal rows dealt out separately so every fold has its
     * share of both, and measures each fold.
     *
     * @throws IllegalArgumentException if k &lt; 2 or there are fewer anomalies or normal rows than folds
     */
    public static FoldMetrics of(double[] scores, int[] labels, int k) {
        if (k < 2) {
            throw new IllegalArgumentException("--cv " + k + ": need at least 2 folds");
        }
        List<Integer> pos = new ArrayList<>();
        List<Integer> neg = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            (labels[i] == 1 ? pos : neg).add(i);
        }
        if (pos.size() < k || neg.size() < k) {
            throw new IllegalArgumentException("--cv " + k + ": the data has " + pos.size() + " anomalies and "
                    + neg.size() + " normal rows; each fold needs at least one of each");
        }
        SplittableRandom rng = new SplittableRandom(SEED);
        List<List<Integer>> folds = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            folds.add(new ArrayList<>());
        }
        for (List<Integer> group : List.of(pos, neg)) {
            for (int i = group.size() - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                Integer t = group.get(i);
                group.set(i, group.get(j));
                group.set(j, t);
            }
            for (int i = 0; i < group.size(); i++) {
                folds.get(i % k).add(group.get(i));
            }
        }
        double[] roc = new double[k];
        double[] pr = new double[k];
        for (int f = 0; f < k; f++) {
            List<Integer> idx = folds.get(f);
            double[] s = new double[idx.size()];
            int[] y = new int[idx.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = scores[idx.get(i)];
                y[i] = labels[idx.get(i)];
            }
            Metrics m = Metrics.of(s, y, Double.POSITIVE_INFINITY);
            roc[f] = m.rocAuc();
            pr[f] = m.prAuc();
        }
        return new FoldMetrics(k, roc, pr);
    }

    public double rocAucMean() {
        return mean(rocAuc);
    }

    public double rocAucSd() {
        return sd(rocAuc);
    }

    public double prAucMean() {
        return mean(prAuc);
    }

    public double prAucSd() {
        return sd(prAuc);
    }

    /** {@code {"folds":K,"roc_auc_mean":…,"roc_auc_sd":…,"pr_auc_mean":…,"pr_auc_sd":…}}. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("folds", folds);
        o.put("roc_auc_mean", rocAucMean());
        o.put("roc_auc_sd", rocAucSd());
        o.put("pr_auc_mean", prAucMean());
        o.put("pr_auc_sd", prAucSd());
        return o;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** Sample standard deviation (n − 1). */
    private static double sd(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
