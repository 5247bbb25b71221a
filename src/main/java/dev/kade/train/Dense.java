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

    /** {@code y[batch,out] = act(x[batch,in]·W + b)}. */
    public void forward(double[] params, double[] x, int batch, double[] y) {
        int b0 = biasOffset();
        for (int r = 0; r < batch; r++) {
            int yo = r * out;
            System.arraycopy(params, b0, y, yo, out);
            int xo = r * in;
            for (int k = 0; k < in; k++) {
                double xv = x[xo + k];
                if (xv == 0) {
                    continue;
                }
                int wo = offset + k * out;
                for (int j = 0; j < out; j++) {
                    y[yo + j] += xv * params[wo + j];
                }
            }
        }
        activation.apply(y, 0, batch * out);
    }

    /**
     * Back-propagates {@code dy} (gradient of the loss w.r.t. this layer's output {@code y}). {@code dy} is
     * overwritten with the gradient w.r.t. the pre-activation. Parameter gradients are <em>added</em> to
     * {@code grad}; {@code dx} (may be null for the first layer) receives the gradient w.r.t. {@code x}.
     */
    public void backward(double[] params, double[] x, double[] y, double[] dy, int batch, double[] grad, double[] dx) {
        activation.backward(y, dy, 0, batch * out);
        int b0 = biasOffset();
        for (int r = 0; r < batch; r++) {
            int yo = r * out;
            int xo = r * in;
            for (int j = 0; j < out; j++) {
                grad[b0 + j] += dy[yo + j];
            }
            for (int k = 0; k < in; k++) {
                int wo = offset + k * out;
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
