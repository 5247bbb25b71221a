package dev.kade.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The blocked kernels of {@link Dense} against the plain loops it had up to commit f02ca50 (one product at a time,
 * in the same order): forward output, parameter gradients and input gradient must be equal bit for bit, so that
 * models trained before the kernel changed are the models trained after it, and the quality figures measured on
 * them still hold. Shapes and batch sizes cover the four-at-a-time blocks and every remainder; inputs and output
 * gradients carry exact zeros (what a ReLU leaves, and what the kernels skip), and the parameter gradient starts
 * non-zero, since {@link Dense#backward} adds to it.
 */
class DenseTest {

    @ParameterizedTest
    @EnumSource(Activation.class)
    void blockedKernelsEqualTheOneProductAtATimeLoopsBitForBit(Activation activation) {
        SplittableRandom rng = new SplittableRandom(18);
        int[][] shapes = {{1, 1}, {4, 3}, {5, 7}, {9, 4}, {33, 17}, {64, 128}, {128, 64}, {64, 32}};
        int checked = 0;
        for (int[] shape : shapes) {
            for (int batch : new int[] {1, 3, 4, 5, 8, 13, 128}) {
                int in = shape[0];
                int out = shape[1];
                Dense d = new Dense(in, out, activation, 3); // non-zero offset: the layer must respect it
                double[] params = gaussian(rng, 3 + d.size() + 2, 0);
                double[] x = gaussian(rng, batch * in, 0.4);
                double[] dyFrom = gaussian(rng, batch * out, 0.3);
                double[] gradFrom = gaussian(rng, params.length, 0);

                double[] y = new double[batch * out];
                double[] yRef = new double[batch * out];
                d.forward(params, x, batch, y);
                referenceForward(d, params, x, batch, yRef);
                assertThat(y).as("forward %dx%d batch %d", in, out, batch).isEqualTo(yRef);

                double[] dy = dyFrom.clone();
                double[] dyRef = dyFrom.clone();
                double[] grad = gradFrom.clone();
                double[] gradRef = gradFrom.clone();
                double[] dx = gaussian(rng, batch * in, 0); // overwritten, whatever it held
                double[] dxRef = new double[batch * in];
                d.backward(params, x, y, dy, batch, grad, dx);
                referenceBackward(d, params, x, yRef, dyRef, batch, gradRef, dxRef);
                assertThat(dy).as("pre-activation gradient %dx%d batch %d", in, out, batch).isEqualTo(dyRef);
                assertThat(grad).as("parameter gradients %dx%d batch %d", in, out, batch).isEqualTo(gradRef);
                assertThat(dx).as("input gradient %dx%d batch %d", in, out, batch).isEqualTo(dxRef);

                double[] gradFirst = gradFrom.clone();
                d.backward(params, x, y, dyFrom.clone(), batch, gradFirst, null); // the first layer: no dx
                assertThat(gradFirst).isEqualTo(gradRef);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(shapes.length * 7);
    }

    /** Gaussian values, each set to exactly zero (+0.0 or -0.0, both skipped) with probability {@code zeros}. */
    private static double[] gaussian(SplittableRandom rng, int n, double zeros) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextDouble() < zeros ? (rng.nextBoolean() ? 0.0 : -0.0) : rng.nextGaussian();
        }
        return a;
    }

    /** {@link Dense#forward} as it was up to f02ca50. */
    private static void referenceForward(Dense d, double[] params, double[] x, int batch, double[] y) {
        int in = d.in();
        int out = d.out();
        for (int r = 0; r < batch; r++) {
            System.arraycopy(params, d.biasOffset(), y, r * out, out);
            for (int k = 0; k < in; k++) {
                double xv = x[r * in + k];
                if (xv == 0) {
                    continue;
                }
                for (int j = 0; j < out; j++) {
                    y[r * out + j] += xv * params[d.offset() + k * out + j];
                }
            }
        }
        d.activation().apply(y, 0, batch * out);
    }

    /** {@link Dense#backward} as it was up to f02ca50. */
    private static void referenceBackward(Dense d, double[] params, double[] x, double[] y, double[] dy, int batch, double[] grad,
                                          double[] dx) {
        int in = d.in();
        int out = d.out();
        d.activation().backward(y, dy, 0, batch * out);
        for (int r = 0; r < batch; r++) {
            for (int j = 0; j < out; j++) {
                grad[d.biasOffset() + j] += dy[r * out + j];
            }
            for (int k = 0; k < in; k++) {
                int wo = d.offset() + k * out;
                double xv = x[r * in + k];
                double s = 0;
                for (int j = 0; j < out; j++) {
                    double g = dy[r * out + j];
                    grad[wo + j] += xv * g;
                    s += g * params[wo + j];
                }
                dx[r * in + k] = s;
            }
        }
    }
}
