package dev.kade.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ScoreDistributionTest {

    @Test
    void percentileOfUniformScoresMatchesRank() {
        double[] scores = new double[10_001];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = i / 10_000.0;
        }
        ScoreDistribution d = ScoreDistribution.fromScores(scores);
        assertThat(d.percentile(0.5)).isCloseTo(50.0, within(0.01));
        assertThat(d.percentile(0.995)).isCloseTo(99.5, within(0.01));
        assertThat(d.percentile(0.99995)).isCloseTo(99.995, within(0.01));
        assertThat(d.percentile(-1)).isEqualTo(0.0);
        assertThat(d.percentile(5)).isEqualTo(100.0);
        assertThat(d.valueAt(0.25)).isCloseTo(0.25, within(1e-9));
    }

    @Test
    void tiedScoresGiveTheHighestPercentileOfTheTie() {
        ScoreDistribution d = ScoreDistribution.fromScores(new double[] {1, 1, 1, 1, 2});
        assertThat(d.percentile(1.0)).isGreaterThanOrEqualTo(74.0);
        assertThat(d.percentile(1.5)).isBetween(75.0, 100.0);
    }

    @Test
    void percentileInterpolatesFromTheHighestPointAtOrBelowTheScore() {
        java.util.Random random = new java.util.Random(21);
        for (int trial = 0; trial < 200; trial++) {
            int n = 2 + random.nextInt(120);
            double[] p = new double[n];
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                p[i] = (i + 1.0) / n;
                // few distinct values, so that ties are common
                v[i] = i == 0 ? random.nextInt(3) : v[i - 1] + (random.nextInt(3) == 0 ? 1 : 0);
            }
            ScoreDistribution d = new ScoreDistribution(p, v);
            for (double score = v[0] - 1; score <= v[n - 1] + 1; score += 0.25) {
                assertThat(d.percentile(score)).as("trial %d score %s", trial, score).isEqualTo(linearScan(p, v, score));
            }
        }
    }

    /** The definition, by a scan from the lowest point. */
    private static double linearScan(double[] p, double[] v, double score) {
        int last = v.length - 1;
        if (score < v[0]) {
            return 100 * p[0];
        }
        if (score >= v[last]) {
            return 100 * p[last];
        }
        int i = 0;
        while (i < last && v[i + 1] <= score) {
            i++;
        }
        double span = v[i + 1] - v[i];
        double frac = span > 0 ? (score - v[i]) / span : 0;
        return 100 * (p[i] + frac * (p[i + 1] - p[i]));
    }

    @Test
    void refusesNonMonotoneOrNonFinitePoints() {
        assertThatThrownBy(() -> new ScoreDistribution(new double[] {0, 1}, new double[] {2, 1}))
                .hasMessageContaining("monotone");
        assertThatThrownBy(() -> new ScoreDistribution(new double[] {0, 1}, new double[] {0, Double.NaN}))
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> ScoreDistribution.fromScores(new double[0])).hasMessageContaining("no scores");
    }
}
