package dev.kade.train;

/**
 * Element-wise activations. The derivative is written in terms of the activation's <em>output</em>,
 * which is what a layer keeps from its forward pass.
 */
public enum Activation {
    IDENTITY,
    RELU,
    TANH,
    SIGMOID;

    /** Applies the activation in place to {@code v[from..to)}. */
    public void apply(double[] v, int from, int to) {
        switch (this) {
            case IDENTITY -> { }
            case RELU -> {
                for (int i = from; i < to; i++) {
                    if (v[i] < 0) {
                        v[i] = 0;
                    }
                }
            }
            case TANH -> {
                for (int i = from; i < to; i++) {
                    v[i] = Math.tanh(v[i]);
                }
            }
            case SIGMOID -> {
                for (int i = from; i < to; i++) {
                    v[i] = 1.0 / (1.0 + Math.exp(-v[i]));
                }
            }
        }
    }

    /** Multiplies {@code grad[from..to)} in place by the derivative, given the outputs {@code y}. */
    public void backward(double[] y, double[] grad, int from, int to) {
        switch (this) {
            case IDENTITY -> { }
            case RELU -> {
                for (int i = from; i < to; i++) {
                    if (y[i] <= 0) {
                        grad[i] = 0;
                    }
                }
            }
            case TANH -> {
                for (int i = from; i < to; i++) {
                    grad[i] *= 1 - y[i] * y[i];
                }
            }
            case SIGMOID -> {
                for (int i = from; i < to; i++) {
                    grad[i] *= y[i] * (1 - y[i]);
                }
            }
        }
    }

    /** Parses a name case-insensitively, naming the accepted values when it fails. */
    public static Activation parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown activation '" + text + "', expected one of identity, relu, tanh, sigmoid");
        }
    }
}
