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
    void refusesNonMonotoneOrNonFinitePoints() {
        assertThatThrownBy(() -> new ScoreDistribution(new double[] {0, 1}, new double[] {2, 1}))
                .hasMessageContaining("monotone");
        assertThatThrownBy(() -> new ScoreDistribution(new double[] {0, 1}, new double[] {0, Double.NaN}))
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> ScoreDistribution.fromScores(new double[0])).hasMessageContaining("no scores");
    }
}
