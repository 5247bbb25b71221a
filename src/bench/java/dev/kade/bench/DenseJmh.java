package dev.kade.bench;

import dev.kade.train.Activation;
import dev.kade.train.Autoencoder;
import dev.kade.train.Dense;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The dense layer's matrix products, one mini-batch (the default 128 rows) through one layer of the shapes the default
 * AE has on a 64-feature file (64→128, 128→64, 64→32): {@code forward} and {@code backward} as {@link Dense} does them
 * (blocked, vectorised, skipping zero inputs), {@code forwardBefore} and {@code backwardBefore}, the loops {@link Dense}
 * had up to commit f02ca50 (an axpy per input and, in backward, a dot product per input, which C2 does not vectorise),
 * kept here as the reference the kernel is measured against, and a whole training step of the default AE
 * ({@code aeStep}: forward, loss and backward of its six layers). The input rows are half zeros, as a ReLU layer's
 * output is. Time per call. Run: {@code src/bench/jmh/run DenseJmh -wi 3 -w 2s -i 5 -r 2s -f 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DenseJmh {
    @Param({"64x128", "128x64", "64x32"})
    public String shape;

    @Param({"128"})
    public int batch;

    private Dense dense;
    private double[] params;
    private double[] x;
    private double[] y;
    private double[] dyTemplate;
    private double[] dy;
    private double[] grad;
    private double[] dx;
    private Autoencoder ae;
    private double[] aeParams;
    private double[] aeGrad;
    private double[] aeBatch;

    @Setup
    public void setUp() {
        String[] io = shape.split("x");
        int in = Integer.parseInt(io[0]);
        int out = Integer.parseInt(io[1]);
        SplittableRandom rng = new SplittableRandom(1);
        dense = new Dense(in, out, Activation.RELU, 0);
        params = new double[dense.size()];
        dense.initialise(params, rng);
        x = gaussian(rng, batch * in);
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.max(0, x[i]); // a ReLU layer's output
        }
        y = new double[batch * out];
        dense.forward(params, x, batch, y);
        dyTemplate = gaussian(rng, batch * out);
        dy = new double[dyTemplate.length];
        grad = new double[params.length];
        dx = new double[x.length];
        ae = Autoencoder.of(64, List.of(128, 64), 32, Activation.RELU);
        aeParams = new double[ae.parameterCount()];
        ae.initialise(aeParams, rng);
        aeGrad = new double[aeParams.length];
        aeBatch = gaussian(rng, batch * 64);
    }

    private static double[] gaussian(SplittableRandom rng, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextGaussian();
        }
        return a;
    }

    @Benchmark
    public double[] forward() {
        dense.forward(params, x, batch, y);
        return y;
    }

    @Benchmark
    public double[] backward() {
        System.arraycopy(dyTemplate, 0, dy, 0, dy.length); // backward overwrites dy
        dense.backward(params, x, y, dy, batch, grad, dx);
        return dx;
    }

    @Benchmark
    public double[] forwardBefore() {
        referenceForward(dense, params, x, batch, y);
        return y;
    }

    @Benchmark
    public double[] backwardBefore() {
        System.arraycopy(dyTemplate, 0, dy, 0, dy.length);
        referenceBackward(dense, params, x, y, dy, batch, grad, dx);
        return dx;
    }

    @Benchmark
    public double aeStep() {
        java.util.Arrays.fill(aeGrad, 0);
        return ae.lossAndGradient(aeParams, aeBatch, batch, aeGrad, (double[]) null);
    }

    /** {@link Dense#forward} as it was up to commit f02ca50: one axpy per non-zero input. */
    static void referenceForward(Dense d, double[] params, double[] x, int batch, double[] y) {
        int in = d.in();
        int out = d.out();
        int b0 = d.biasOffset();
        for (int r = 0; r < batch; r++) {
            int yo = r * out;
            System.arraycopy(params, b0, y, yo, out);
            int xo = r * in;
            for (int k = 0; k < in; k++) {
                double xv = x[xo + k];
                if (xv == 0) {
                    continue;
                }
                int wo = d.offset() + k * out;
                for (int j = 0; j < out; j++) {
                    y[yo + j] += xv * params[wo + j];
                }
            }
        }
        d.activation().apply(y, 0, batch * out);
    }

    /** {@link Dense#backward} as it was up to commit f02ca50: the weight gradient's axpy and dx's dot product in one loop. */
    static void referenceBackward(Dense d, double[] params, double[] x, double[] y, double[] dy, int batch, double[] grad, double[] dx) {
        int in = d.in();
        int out = d.out();
        d.activation().backward(y, dy, 0, batch * out);
        int b0 = d.biasOffset();
        for (int r = 0; r < batch; r++) {
            int yo = r * out;
            int xo = r * in;
            for (int j = 0; j < out; j++) {
                grad[b0 + j] += dy[yo + j];
            }
            for (int k = 0; k < in; k++) {
                int wo = d.offset() + k * out;
                double xv = x[xo + k];
                double s = 0;
                for (int j = 0; j < out; j++) {
                    double g = dy[yo + j];
                    grad[wo + j] += xv * g;
                    s += g * params[wo + j];
                }
                if (dx != null) {
                    dx[xo + k] = s;
                }
            }
        }
    }
}
