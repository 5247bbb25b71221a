package dev.kade.train;

import dev.kade.model.ModelKind;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A dense autoencoder: encoder {@code F → hidden… → latent} (linear bottleneck), decoder mirrored
 * {@code latent → …hidden → F} with a linear output. Loss and score are the mean squared reconstruction
 * error in standardised space: {@code score = (1/F) Σ_j (x_j − x̂_j)²}, {@code feature_errors_j = (x_j − x̂_j)²}.
 *
 * <p>Two optional training-only terms from the autoencoder literature, neither of which changes the score:
 * a sparsity penalty {@code λ · mean |code|} on the bottleneck activations (L1, {@link Regularisation#codePenalty()}),
 * and Gaussian input noise of standard deviation σ ({@link Regularisation#inputNoise()}): the network sees
 * {@code x + σ·ε} and is asked to reconstruct the clean {@code x} (a denoising autoencoder).
 */
public record Autoencoder(int inputs, List<Integer> hidden, int latent, Activation activation, Regularisation regularisation,
                          List<Dense> layers) implements Network {

    public Autoencoder {
        layers = List.copyOf(layers);
        hidden = List.copyOf(hidden);
        java.util.Objects.requireNonNull(regularisation, "regularisation");
    }

    /** Builds the layer stack for the given sizes, without regularisation. */
    public static Autoencoder of(int inputs, List<Integer> hidden, int latent, Activation activation) {
        return of(inputs, hidden, latent, activation, Regularisation.NONE);
    }

    /** Builds the layer stack for the given sizes. */
    public static Autoencoder of(int inputs, List<Integer> hidden, int latent, Activation activation, Regularisation regularisation) {
        List<Integer> sizes = new ArrayList<>();
        sizes.add(inputs);
        sizes.addAll(hidden);
        sizes.add(latent);
        for (int i = hidden.size() - 1; i >= 0; i--) {
            sizes.add(hidden.get(i));
        }
        sizes.add(inputs);
        List<Dense> layers = new ArrayList<>();
        int offset = 0;
        int bottleneck = hidden.size();
        for (int i = 0; i + 1 < sizes.size(); i++) {
            boolean linear = i == bottleneck || i == sizes.size() - 2;
            Dense d = new Dense(sizes.get(i), sizes.get(i + 1), linear ? Activation.IDENTITY : activation, offset);
            layers.add(d);
            offset += d.size();
        }
        return new Autoencoder(inputs, hidden, latent, activation, regularisation, layers);
    }

    @Override
    public ModelKind kind() {
        return ModelKind.AE;
    }

    @Override
    public int parameterCount() {
        Dense last = layers.get(layers.size() - 1);
        return last.offset() + last.size();
    }

    /** Activations of every layer: {@code acts[0]} is the input, {@code acts[i+1]} the output of layer i. */
    double[][] forward(double[] params, double[] x, int batch) {
        double[][] acts = new double[layers.size() + 1][];
        acts[0] = x;
        for (int i = 0; i < layers.size(); i++) {
            Dense d = layers.get(i);
            acts[i + 1] = new double[batch * d.out()];
            d.forward(params, acts[i], batch, acts[i + 1]);
        }
        return acts;
    }

    @Override
    public double lossAndGradient(double[] params, double[] x, int batch, double[] grad, RandomGenerator rng) {
        return lossAndGradient(params, x, batch, grad, regularisation.noise(rng, batch * inputs));
    }

    /**
     * The loss with given input noise ({@code null} = none): deterministic, for gradient checks. The network
     * reads {@code x + noise} and is scored against {@code x}.
     */
    public double lossAndGradient(double[] params, double[] x, int batch, double[] grad, double[] noise) {
        double[][] acts = forward(params, Regularisation.corrupt(x, noise), batch);
        double[] out = acts[layers.size()];
        int n = batch * inputs;
        double scale = 2.0 / n;
        double loss = 0;
        double[] delta = new double[n];
        for (int i = 0; i < n; i++) {
            double d = out[i] - x[i];
            loss += d * d;
            delta[i] = scale * d;
        }
        loss /= n;
        int code = hidden.size() + 1; // acts[code] is the bottleneck's output
        double penalty = regularisation.codePenalty();
        for (int i = layers.size() - 1; i >= 0; i--) {
            Dense d = layers.get(i);
            double[] dx = i == 0 ? null : new double[batch * d.in()];
            d.backward(params, acts[i], acts[i + 1], delta, batch, grad, dx);
            if (i == code && penalty > 0) {
                loss += Regularisation.addL1(acts[code], penalty, dx);
            }
            delta = dx;
        }
        return loss;
    }

    @Override
    public void reconstruct(double[] params, double[] x, int batch, double[] reconstruction, double[] code) {
        double[][] acts = forward(params, x, batch);
        if (reconstruction != null) {
            System.arraycopy(acts[layers.size()], 0, reconstruction, 0, batch * inputs);
        }
        if (code != null) {
            System.arraycopy(acts[hidden.size() + 1], 0, code, 0, batch * latent);
        }
    }

    @Override
    public void score(double[] params, double[] x, int batch, double[] score, double[] featureErrors) {
        double[] out = forward(params, x, batch)[layers.size()];
        for (int r = 0; r < batch; r++) {
            double s = 0;
            for (int j = 0; j < inputs; j++) {
                int i = r * inputs + j;
                double d = x[i] - out[i];
                featureErrors[i] = d * d;
                s += d * d;
            }
            score[r] = s / inputs;
        }
    }
}
