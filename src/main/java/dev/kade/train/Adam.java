package dev.kade.train;

/**
 * Adam (Kingma and Ba, 2015) over one flat parameter vector, with optional decoupled weight decay
 * (AdamW). Deterministic: one sequential loop, no shared state beyond this object.
 */
public final class Adam {
    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final double[] m;
    private final double[] v;
    private long step;

    public Adam(int size, double learningRate, double weightDecay) {
        this(size, learningRate, 0.9, 0.999, 1e-8, weightDecay);
    }

    public Adam(int size, double learningRate, double beta1, double beta2, double epsilon, double weightDecay) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.m = new double[size];
        this.v = new double[size];
    }

    /** One update of {@code params} from {@code grad}. */
    public void step(double[] params, double[] grad) {
        step++;
        double c1 = 1 - Math.pow(beta1, step);
        double c2 = 1 - Math.pow(beta2, step);
        double lr = learningRate * Math.sqrt(c2) / c1;
        double decay = learningRate * weightDecay;
        for (int i = 0; i < params.length; i++) {
            double g = grad[i];
            m[i] = beta1 * m[i] + (1 - beta1) * g;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            params[i] -= lr * m[i] / (Math.sqrt(v[i]) + epsilon) + decay * params[i];
        }
    }
}
