package dev.kade.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * ReLU's branch-free loops ({@link Activation#apply}, {@link Activation#backward}) against the comparisons they
 * replace ({@code v < 0 ? 0 : v} and {@code y <= 0 ? 0 : grad}), bit for bit: on the values where bit arithmetic
 * could go wrong (both zeros, NaNs of either sign and any payload, infinities, subnormals, the extremes) and on random
 * bit patterns.
 */
class ActivationTest {
    private static final double[] EDGES = {0.0, -0.0, Double.NaN, -Double.NaN, Double.longBitsToDouble(0x7ff0000000000001L),
        Double.longBitsToDouble(0xfff0000000000001L), Double.longBitsToDouble(0xffffffffffffffffL), Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, -Double.MIN_NORMAL, Double.MAX_VALUE,
        -Double.MAX_VALUE, 1.0, -1.0, 1e-300, -1e-300};

    @Test
    void reluIsTheComparisonBitForBit() {
        double[] v = values();
        double[] applied = v.clone();
        Activation.RELU.apply(applied, 0, applied.length);
        double[] grad = values();
        shuffle(grad);
        double[] back = grad.clone();
        Activation.RELU.backward(v, back, 0, back.length);
        for (int i = 0; i < v.length; i++) {
            double expectedApply = v[i] < 0 ? 0 : v[i];
            double expectedBack = v[i] <= 0 ? 0 : grad[i];
            assertThat(Double.doubleToRawLongBits(applied[i])).as("relu(%s)", v[i]).isEqualTo(Double.doubleToRawLongBits(expectedApply));
            assertThat(Double.doubleToRawLongBits(back[i])).as("relu'(%s) * %s", v[i], grad[i])
                    .isEqualTo(Double.doubleToRawLongBits(expectedBack));
        }
    }

    @Test
    void reluTouchesOnlyItsRange() {
        double[] v = {-1, -2, -3, -4};
        Activation.RELU.apply(v, 1, 3);
        assertThat(v).containsExactly(-1, 0, 0, -4);
        double[] g = {5, 6, 7, 8};
        Activation.RELU.backward(new double[] {-1, -1, -1, -1}, g, 1, 3);
        assertThat(g).containsExactly(5, 0, 0, 8);
    }

    private static double[] values() {
        SplittableRandom r = new SplittableRandom(4);
        double[] v = new double[EDGES.length + 20_000];
        System.arraycopy(EDGES, 0, v, 0, EDGES.length);
        for (int i = EDGES.length; i < v.length; i++) {
            v[i] = i % 2 == 0 ? Double.longBitsToDouble(r.nextLong()) : r.nextGaussian();
        }
        return v;
    }

    private static void shuffle(double[] v) {
        SplittableRandom r = new SplittableRandom(9);
        for (int i = v.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
    }
}
