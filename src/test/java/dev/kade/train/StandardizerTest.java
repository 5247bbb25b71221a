package dev.kade.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StandardizerTest {
    private static final float[][] ROWS = {{1, 5, 0}, {2, 5, 0}, {3, 5, 0}, {4, 5, 0}, {100, 5, 9}};
    private static final int[] ALL = {0, 1, 2, 3, 4};

    @Test
    void standardUsesMeanAndStandardDeviation() {
        Standardizer s = Standardizer.fit(ROWS, ALL, Standardizer.Scaling.STANDARD);
        assertThat(s.center()[0]).isEqualTo(22f);
        assertThat((double) s.scale()[0]).isCloseTo(Math.sqrt((441 + 400 + 361 + 324 + 6084) / 5.0), org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void robustUsesMedianAndIqrSoOneOutlierDoesNotSetTheScale() {
        Standardizer s = Standardizer.fit(ROWS, ALL, Standardizer.Scaling.ROBUST);
        assertThat(s.center()[0]).isEqualTo(3f);
        assertThat((double) s.scale()[0]).isCloseTo(2 / 1.349, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void zeroSpreadGivesScaleOneAndZeroIqrFallsBackToStandardDeviation() {
        Standardizer s = Standardizer.fit(ROWS, ALL, Standardizer.Scaling.ROBUST);
        assertThat(s.scale()[1]).isEqualTo(1f);          // constant column
        assertThat((double) s.scale()[2]).isCloseTo(3.6, org.assertj.core.data.Offset.offset(1e-6)); // IQR 0, std 3.6
        double[] out = new double[3];
        s.apply(new float[] {3, 5, 0}, out, 0);
        assertThat(out).containsExactly(0.0, 0.0, 0.0);
    }

    @Test
    void fitsOnlyTheGivenRows() {
        Standardizer s = Standardizer.fit(ROWS, new int[] {0, 1, 2}, Standardizer.Scaling.STANDARD);
        assertThat(s.center()[0]).isEqualTo(2f);
    }
}
