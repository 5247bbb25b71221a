package dev.kade.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.model.ScoreDistribution;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ThresholdRuleTest {
    private static final double Q = 0.995;
    private static final double TRUE_EXP_QUANTILE = -Math.log(1 - Q); // Exp(1): 5.298

    @Test
    void potEstimatesAnExponentialTailQuantileAndVariesLessThanTheEmpiricalQuantileOnSmallSamples() {
        int trials = 200;
        double[] pot = new double[trials];
        double[] quantile = new double[trials];
        for (int t = 0; t < trials; t++) {
            double[] s = exponential(300, t);
            pot[t] = ThresholdRule.POT.threshold(s, Q);
            quantile[t] = ThresholdRule.QUANTILE.threshold(s, Q);
        }
        assertThat(mean(pot)).isCloseTo(TRUE_EXP_QUANTILE, org.assertj.core.data.Offset.offset(0.35));
        assertThat(rmse(pot, TRUE_EXP_QUANTILE)).isLessThan(rmse(quantile, TRUE_EXP_QUANTILE));
    }

    @Test
    void potNeverLeavesTheCalibratedScoreRangeEvenForARareTarget() {
        double[] s = exponential(200, 1);
        double max = Arrays.stream(s).max().orElseThrow();
        // the fitted tail puts the 0.9999 quantile near 9.2, beyond the sample; the rule holds it at the largest score
        assertThat(ThresholdRule.POT.threshold(s, 0.9999)).isEqualTo(max);
        assertThat(ThresholdRule.POT.threshold(s, 0.99)).isLessThan(max).isGreaterThan(ThresholdRule.POT.threshold(s, 0.9));
    }

    @Test
    void potFallsBackToTheQuantileWithTooFewExceedances() {
        double[] s = exponential(50, 2); // 5 rows above the 0.9 quantile
        double[] sorted = s.clone();
        Arrays.sort(sorted);
        assertThat(ThresholdRule.POT.threshold(s, Q)).isEqualTo(ScoreDistribution.quantile(sorted, Q));
        double[] constant = new double[500];
        Arrays.fill(constant, 3.0);
        assertThat(ThresholdRule.POT.threshold(constant, Q)).isEqualTo(3.0);
    }

    @Test
    void madIsMedianPlusFiveRobustStandardDeviations() {
        SplittableRandom rng = new SplittableRandom(4);
        double[] s = new double[20_000];
        for (int i = 0; i < s.length; i++) {
            s[i] = 10 + 2 * rng.nextGaussian();
        }
        assertThat(ThresholdRule.MAD.threshold(s, Q)).isCloseTo(20.0, org.assertj.core.data.Offset.offset(0.2));
    }

    @Test
    void parseNamesTheOption() {
        assertThat(ThresholdRule.parse(" Pot ")).isEqualTo(ThresholdRule.POT);
        assertThatThrownBy(() -> ThresholdRule.parse("median")).hasMessageContaining("--threshold-rule median");
    }

    private static double[] exponential(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = -Math.log(1 - rng.nextDouble());
        }
        return s;
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElseThrow();
    }

    private static double rmse(double[] v, double truth) {
        return Math.sqrt(Arrays.stream(v).map(x -> (x - truth) * (x - truth)).average().orElseThrow());
    }

    @Test
    void theDescriptionNamesTheRuleThatReallyProducedTheThreshold() {
        double[] many = exponential(2000, 7);
        assertThat(ThresholdRule.POT.describe(many, Q)).startsWith("pot: generalised Pareto fit to the 200 of 2000");
        assertThat(ThresholdRule.MAD.describe(many, Q)).startsWith("median + 5.0 x 1.4826 x MAD of 2000").doesNotContain("warning");
        assertThat(ThresholdRule.QUANTILE.describe(many, Q)).isEqualTo("quantile 0.995 of 2000 validation scores");
    }

    @Test
    void aFallbackAndAnUnresolvableQuantileSaySo() {
        double[] fifty = exponential(50, 3);
        // 50 scores: 5 above the 0.9 quantile, fewer than POT needs, and 0.995 of 50 lies between the two largest
        String pot = ThresholdRule.POT.describe(fifty, Q);
        assertThat(pot).contains("pot fell back to the quantile: 5 scores above the 0.9 quantile, a fit needs 10")
                .contains("warning: 50 scores cannot resolve quantile 0.995");
        double[] sorted = fifty.clone();
        Arrays.sort(sorted);
        assertThat(ThresholdRule.POT.threshold(fifty, Q)).isBetween(sorted[48], sorted[49]);
        assertThat(ThresholdRule.QUANTILE.describe(exponential(1000, 3), Q)).doesNotContain("warning");
    }
}
