package dev.kade.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void perfectSeparationGivesOnes() {
        Metrics m = Metrics.of(new double[] {0.1, 0.2, 0.8, 0.9}, new int[] {0, 0, 1, 1}, 0.5);
        assertThat(m.rocAuc()).isEqualTo(1.0);
        assertThat(m.prAuc()).isEqualTo(1.0);
        assertThat(m.precision()).isEqualTo(1.0);
        assertThat(m.recall()).isEqualTo(1.0);
        assertThat(m.f1()).isEqualTo(1.0);
    }

    @Test
    void handComputedCase() {
        // scores desc: 0.9(1) 0.8(0) 0.7(1) 0.6(0) 0.5(0) 0.4(1)
        double[] s = {0.4, 0.9, 0.6, 0.7, 0.5, 0.8};
        int[] y = {1, 1, 0, 1, 0, 0};
        // ROC-AUC: pairs (pos>neg): 0.9 beats 3, 0.7 beats 2, 0.4 beats 0 → 5 of 9
        assertThat(Metrics.rocAuc(s, y)).isCloseTo(5.0 / 9, within(1e-12));
        // AP: recall steps at ranks 1,3,6 with precision 1, 2/3, 1/2 → (1 + 2/3 + 1/2) / 3
        assertThat(Metrics.averagePrecision(s, y)).isCloseTo((1 + 2.0 / 3 + 0.5) / 3, within(1e-12));
        Metrics m = Metrics.of(s, y, 0.7); // flags 0.9, 0.8, 0.7: tp 2, fp 1, fn 1
        assertThat(m.truePositives()).isEqualTo(2);
        assertThat(m.falsePositives()).isEqualTo(1);
        assertThat(m.falseNegatives()).isEqualTo(1);
        assertThat(m.precision()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.recall()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.f1()).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void tiesCountHalfAndFormOnePrPoint() {
        double[] s = {1, 1, 1, 1};
        int[] y = {1, 0, 1, 0};
        assertThat(Metrics.rocAuc(s, y)).isEqualTo(0.5);
        assertThat(Metrics.averagePrecision(s, y)).isEqualTo(0.5);
        assertThat(Metrics.prCurve(s, y)).hasSize(1);
        assertThat(Metrics.rocCurve(s, y)).containsExactly(new Metrics.Point(0, 0), new Metrics.Point(1, 1));
    }

    @Test
    void invertedScoresGiveZeroAuc() {
        assertThat(Metrics.rocAuc(new double[] {0.9, 0.1}, new int[] {0, 1})).isEqualTo(0.0);
    }

    @Test
    void nothingFlaggedGivesZeroPrecisionNotNaN() {
        Metrics m = Metrics.of(new double[] {0.1, 0.2}, new int[] {0, 1}, 5);
        assertThat(m.precision()).isZero();
        assertThat(m.f1()).isZero();
    }
}
