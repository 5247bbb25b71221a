package dev.kade.train;

import java.util.random.RandomGenerator;

/**
 * A fully connected layer {@code y = act(x·W + b)} over a batch of rows, row-major.
 *
 * <p>The layer owns no arrays of its own: its weights {@code W} [in,out] (row-major, so the ONNX export is
 * a plain {@code Gemm}) and bias {@code b} [out] live at {@link #offset()} in a flat parameter vector shared
 * by the whole network, and gradients at the same offsets in a gradient vector of the same length. That
 * keeps one optimiser step a single loop over one array.
 */
public final class Dense {
    private final int in;
    private final int out;
    private final Activation activation;
    private final int offset;

    public Dense(int in, int out, Activation activation, int offset) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("a dense layer needs positive sizes, got " + in + "x" + out);
        }
        this.in = in;
        this.out = out;
        this.activation = java.util.Objects.requireNonNull(activation, "activation");
        this.offset = offset;
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    public Activation activation() {
        return activation;
    }

    /** Where this layer's weights start in the parameter vector; the bias follows the weights. */
    public int offset() {
        return offset;
    }

    public int biasOffset() {
        return offset + in * out;
    }

    /** Number of parameters: weights and bias. */
    public int size() {
        return in * out + out;
    }

    /** Glorot-uniform weights (He-uniform for ReLU), zero bias. */
    public void initialise(double[] params, RandomGenerator rng) {
        double limit = activation == Activation.RELU ? Math.sqrt(6.0 / in) : Math.sqrt(6.0 / (in + out));
        for (int i = 0; i < in * out; i++) {
            params[offset + i] = (2 * rng.nextDouble() - 1) * limit;
        }
        java.util.Arrays.fill(params, biasOffset(), biasOffset() + out, 0.0);
    }

    /**
     * {@code y[batch,out] = act(x[batch,in]·W + b)}.
     *
     * <p>Row by row, {@code y[r,:] = b + Σ_k x[r,k]·W[k,:]} over the row's non-zero inputs in increasing {@code k}
     * (a ReLU layer's output is about half zeros, and a zero input adds nothing), four rows of {@code W} per pass
     * over the output row ({@link #axpy4}). See {@link Dense the class comment} for why the kernels work on copies
     * of the rows.
     */
    public void forward(double[] params, double[] x, int batch, double[] y) {
        double[][] w = rows(params, offset, in, out);
        double[] acc = new double[out];
        int[] nonZero = new int[in];
        int b0 = biasOffset();
        for (int r = 0; r < batch; r++) {
            System.arraycopy(params, b0, acc, 0, out);
            int xo = r * in;
            int m = nonZero(x, xo, 1, in, nonZero);
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                int k0 = nonZero[i];
                int k1 = nonZero[i + 1];
                int k2 = nonZero[i + 2];
                int k3 = nonZero[i + 3];
                axpy4(acc, out, x[xo + k0], w[k0], x[xo + k1], w[k1], x[xo + k2], w[k2], x[xo + k3], w[k3]);
            }
            for (; i < m; i++) {
                int k = nonZero[i];
                axpy1(acc, out, x[xo + k], w[k]);
            }
            System.arraycopy(acc, 0, y, r * out, out);
        }
        activation.apply(y, 0, batch * out);
    }

    /**
     * Back-propagates {@code dy} (gradient of the loss w.r.t. this layer's output {@code y}). {@code dy} is
     * overwritten with the gradient w.r.t. the pre-activation. Parameter gradients are <em>added</em> to
     * {@code grad}; {@code dx} (may be null for the first layer) receives the gradient w.r.t. {@code x}.
     *
     * <p>Three matrix products, four terms per pass over a row ({@link #axpy4}), each skipping the zero factors a
     * ReLU leaves: {@code db += Σ_r dy[r,:]} and {@code dW[k,:] += Σ_r x[r,k]·dy[r,:]} (rows {@code r} in increasing
     * order), and {@code dx[r,:] = Σ_j dy[r,j]·Wᵀ[j,:]} over a transposed copy of {@code W} (a dot product per input
     * instead would be a reduction, which C2 does not vectorise).
     */
    public void backward(double[] params, double[] x, double[] y, double[] dy, int batch, double[] grad, double[] dx) {
        activation.backward(y, dy, 0, batch * out);
        double[][] g = rows(dy, 0, batch, out);
        double[] acc = new double[out];
        int b0 = biasOffset();
        System.arraycopy(grad, b0, acc, 0, out);
        int r = 0;
        for (; r + 4 <= batch; r += 4) {
            add4(acc, out, g[r], g[r + 1], g[r + 2], g[r + 3]);
        }
        for (; r < batch; r++) {
            axpy1(acc, out, 1.0, g[r]);
        }
        System.arraycopy(acc, 0, grad, b0, out);
        int[] nonZero = new int[Math.max(batch, out)];
        for (int k = 0; k < in; k++) {
            int wo = offset + k * out;
            System.arraycopy(grad, wo, acc, 0, out);
            int m = nonZero(x, k, in, batch, nonZero);
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                int r0 = nonZero[i];
                int r1 = nonZero[i + 1];
                int r2 = nonZero[i + 2];
                int r3 = nonZero[i + 3];
                axpy4(acc, out, x[r0 * in + k], g[r0], x[r1 * in + k], g[r1], x[r2 * in + k], g[r2], x[r3 * in + k], g[r3]);
            }
            for (; i < m; i++) {
                int rr = nonZero[i];
                axpy1(acc, out, x[rr * in + k], g[rr]);
            }
            System.arraycopy(acc, 0, grad, wo, out);
        }
        if (dx == null) {
            return;
        }
        double[][] wt = transposedRows(params, offset, in, out);
        double[] accIn = new double[in];
        for (r = 0; r < batch; r++) {
            java.util.Arrays.fill(accIn, 0.0);
            int yo = r * out;
            int m = nonZero(dy, yo, 1, out, nonZero);
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                int j0 = nonZero[i];
                int j1 = nonZero[i + 1];
                int j2 = nonZero[i + 2];
                int j3 = nonZero[i + 3];
                axpy4(accIn, in, dy[yo + j0], wt[j0], dy[yo + j1], wt[j1], dy[yo + j2], wt[j2], dy[yo + j3], wt[j3]);
            }
            for (; i < m; i++) {
                int j = nonZero[i];
                axpy1(accIn, in, dy[yo + j], wt[j]);
            }
            System.arraycopy(accIn, 0, dx, r * in, in);
        }
    }

    /** The {@code rows × cols} row-major matrix at {@code v[from..]}, copied row by row into arrays of its own. */
    private static double[][] rows(double[] v, int from, int rows, int cols) {
        double[][] m = new double[rows][];
        for (int i = 0; i < rows; i++) {
            m[i] = java.util.Arrays.copyOfRange(v, from + i * cols, from + (i + 1) * cols);
        }
        return m;
    }

    /** The transpose of the {@code rows × cols} row-major matrix at {@code v[from..]}: {@code cols} rows of {@code rows}. */
    private static double[][] transposedRows(double[] v, int from, int rows, int cols) {
        double[][] t = new double[cols][rows];
        for (int i = 0; i < rows; i++) {
            int o = from + i * cols;
            for (int j = 0; j < cols; j++) {
                t[j][i] = v[o + j];
            }
        }
        return t;
    }

    /**
     * Writes into {@code index} the positions {@code i} in {@code [0, n)} where {@code v[from + i·stride]} is not
     * zero (NaN is not zero, -0.0 is), in increasing order, and returns how many there are.
     *
     * <p>Without a branch: every position is written and the count moves by one only for a non-zero value (its bits
     * without the sign are not all zero). After a ReLU about half the values are zero, in no pattern a branch
     * predictor can learn: the branching loop cost about 4 ns per value, a fifth of a member's training time in a JFR
     * profile, and this one under 1 ns.
     */
    private static int nonZero(double[] v, int from, int stride, int n, int[] index) {
        int m = 0;
        for (int i = 0; i < n; i++) {
            long magnitude = Double.doubleToRawLongBits(v[from + i * stride]) << 1;
            index[m] = i;
            m += (int) ((magnitude | -magnitude) >>> 63);
        }
        return m;
    }

    /**
     * {@code y[j] += a0·w0[j] + a1·w1[j] + a2·w2[j] + a3·w3[j]} for {@code j < n}, added left to right, each product
     * and sum rounded as Java rounds them: the same result, bit for bit, as four {@link #axpy1} calls in that order,
     * with one load and one store of {@code y[j]} instead of four.
     */
    private static void axpy4(double[] y, int n, double a0, double[] w0, double a1, double[] w1, double a2, double[] w2,
                              double a3, double[] w3) {
        for (int j = 0; j < n; j++) {
            y[j] = y[j] + a0 * w0[j] + a1 * w1[j] + a2 * w2[j] + a3 * w3[j];
        }
    }

    /** {@code y[j] += a·w[j]} for {@code j < n}. */
    private static void axpy1(double[] y, int n, double a, double[] w) {
        for (int j = 0; j < n; j++) {
            y[j] += a * w[j];
        }
    }

    /** {@code y[j] += w0[j] + w1[j] + w2[j] + w3[j]} for {@code j < n}, added left to right. */
    private static void add4(double[] y, int n, double[] w0, double[] w1, double[] w2, double[] w3) {
        for (int j = 0; j < n; j++) {
            y[j] = y[j] + w0[j] + w1[j] + w2[j] + w3[j];
        }
    }
}
