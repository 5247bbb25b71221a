package dev.kade.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FoldMetricsTest {

    @Test
    void perfectScoresGiveOneWithoutSpreadAndNoisyScoresVaryOverFolds() {
        int n = 1000;
        int[] labels = new int[n];
        double[] perfect = new double[n];
        double[] noisy = new double[n];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < n; i++) {
            labels[i] = i % 20 == 0 ? 1 : 0;
            perfect[i] = labels[i] + 0.1 * rng.nextDouble();
            noisy[i] = labels[i] + 2 * rng.nextGaussian();
        }
        FoldMetrics p = FoldMetrics.of(perfect, labels, 5);
        assertThat(p.rocAucMean()).isEqualTo(1.0);
        assertThat(p.rocAucSd()).isZero();
        assertThat(p.prAucMean()).isEqualTo(1.0);
        FoldMetrics q = FoldMetrics.of(noisy, labels, 5);
        assertThat(q.rocAuc()).hasSize(5);
        assertThat(q.rocAucSd()).isPositive();
        // the fold mean is close to the ROC-AUC of the whole set
        assertThat(q.rocAucMean()).isCloseTo(Metrics.of(noisy, labels, 0).rocAuc(), org.assertj.core.data.Offset.offset(0.03));
        assertThat(q.toJson().get("folds").asInt()).isEqualTo(5);
    }

    @Test
    void everyFoldNeedsAnAnomaly() {
        int[] labels = {1, 1, 0, 0, 0, 0};
        double[] s = {1, 2, 3, 4, 5, 6};
        assertThat(FoldMetrics.of(s, labels, 2).folds()).isEqualTo(2);
        assertThatThrownBy(() -> FoldMetrics.of(s, labels, 3)).hasMessageContaining("--cv 3").hasMessageContaining("2 anomalies");
        assertThatThrownBy(() -> FoldMetrics.of(s, labels, 1)).hasMessageContaining("--cv 1");
    }
}
