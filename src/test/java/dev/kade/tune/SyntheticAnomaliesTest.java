package dev.kade.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SyntheticAnomaliesTest {

    /** Column 1 is twice column 0 (correlation 1), column 2 is independent noise. */
    private static float[][] correlated(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            float x = (float) rng.nextGaussian();
            rows[i] = new float[] {x, 2 * x, (float) rng.nextGaussian()};
        }
        return rows;
    }

    private static double correlation(float[][] rows, int a, int b) {
        double ma = 0;
        double mb = 0;
        for (float[] r : rows) {
            ma += r[a];
            mb += r[b];
        }
        ma /= rows.length;
        mb /= rows.length;
        double cov = 0;
        double va = 0;
        double vb = 0;
        for (float[] r : rows) {
            cov += (r[a] - ma) * (r[b] - mb);
            va += (r[a] - ma) * (r[a] - ma);
            vb += (r[b] - mb) * (r[b] - mb);
        }
        return cov / Math.sqrt(va * vb);
    }

    private static float[] column(float[][] rows, int j) {
        float[] c = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            c[i] = rows[i][j];
        }
        return c;
    }

    @Test
    void permutingColumnsKeepsEveryColumnsValuesAndBreaksTheirCorrelation() {
        float[][] normal = correlated(2000, 1);
        float[][] copy = Arrays.stream(normal).map(float[]::clone).toArray(float[][]::new);
        float[][] p = SyntheticAnomalies.permuted(normal, 7);

        assertThat(p.length).isEqualTo(2000);
        assertThat(Arrays.stream(p).mapToInt(r -> r.length).distinct().toArray()).containsExactly(3);
        for (int j = 0; j < 3; j++) {
            float[] before = column(normal, j);
            float[] after = column(p, j);
            Arrays.sort(before);
            Arrays.sort(after);
            assertThat(after).as("column %d is a permutation of itself", j).containsExactly(before);
        }
        assertThat(correlation(normal, 0, 1)).isGreaterThan(0.999);
        assertThat(Math.abs(correlation(p, 0, 1))).isLessThan(0.1);
        assertThat(normal).as("input untouched").isDeepEqualTo(copy);
    }

    @Test
    void theSameSeedGivesTheSameAnomaliesAndAnotherSeedOthers() {
        float[][] normal = correlated(300, 2);
        float[][] observed = correlated(500, 3);
        assertThat(SyntheticAnomalies.permuted(normal, 5)).isDeepEqualTo(SyntheticAnomalies.permuted(normal, 5));
        assertThat(Arrays.deepEquals(SyntheticAnomalies.permuted(normal, 5), SyntheticAnomalies.permuted(normal, 6))).isFalse();
        assertThat(SyntheticAnomalies.beyondRange(normal, observed, 5)).isDeepEqualTo(SyntheticAnomalies.beyondRange(normal, observed, 5));
        assertThat(Arrays.deepEquals(SyntheticAnomalies.beyondRange(normal, observed, 5), SyntheticAnomalies.beyondRange(normal, observed, 6))).isFalse();
    }

    @Test
    void beyondRangeMovesExactlyOneFeatureOutsideTheObservedRange() {
        float[][] normal = correlated(1000, 4);
        float[][] observed = correlated(3000, 5);
        float[] min = new float[3];
        float[] max = new float[3];
        Arrays.fill(min, Float.POSITIVE_INFINITY);
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        for (float[] r : observed) {
            for (int j = 0; j < 3; j++) {
                min[j] = Math.min(min[j], r[j]);
                max[j] = Math.max(max[j], r[j]);
            }
        }
        float[][] b = SyntheticAnomalies.beyondRange(normal, observed, 9);
        assertThat(b.length).isEqualTo(1000);
        int[] movedPerFeature = new int[3];
        int above = 0;
        for (int i = 0; i < b.length; i++) {
            int moved = 0;
            for (int j = 0; j < 3; j++) {
                if (b[i][j] != normal[i][j]) {
                    moved++;
                    movedPerFeature[j]++;
                    double range = max[j] - min[j];
                    double beyond = b[i][j] > max[j] ? b[i][j] - max[j] : min[j] - b[i][j];
                    above += b[i][j] > max[j] ? 1 : 0;
                    assertThat(beyond / range).as("row %d feature %d", i, j).isBetween(0.1 - 1e-5, 0.5 + 1e-5);
                }
            }
            assertThat(moved).as("row %d", i).isEqualTo(1);
        }
        for (int c : movedPerFeature) {
            assertThat(c).isBetween(250, 420);
        }
        assertThat(above).isBetween(420, 580);
    }

    @Test
    void aFeatureWithoutSpreadIsStillMovedAndNoRowsIsRefused() {
        float[][] constant = {{3, 0}, {3, 0}, {3, 0}};
        float[][] b = SyntheticAnomalies.beyondRange(constant, constant, 1);
        for (int i = 0; i < b.length; i++) {
            assertThat(Arrays.equals(b[i], constant[i])).as("row %d moved", i).isFalse();
        }
        assertThatThrownBy(() -> SyntheticAnomalies.permuted(new float[0][], 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SyntheticAnomalies.beyondRange(constant, new float[][] {{1, 2, 3}}, 1))
                .hasMessageContaining("features");
    }
}
