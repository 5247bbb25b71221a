package dev.kade.train;

import dev.kade.model.ModelKind;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A variational autoencoder with a Gaussian encoder q(z|x) = N(μ(x), diag(exp(logvar(x)))), a standard
 * normal prior and a Gaussian decoder p(x|z) = N(x̂(z), I) in standardised space.
 *
 * <p>Training minimises the negative ELBO per row, averaged over the batch, with the reparameterisation
 * {@code z = μ + exp(logvar/2)·ε}, ε ~ N(0, I):
 * {@code L = ½ Σ_j (x_j − x̂_j)² + β · ½ Σ_k (μ_k² + exp(logvar_k) − logvar_k − 1)}
 * (the constant {@code F/2·log 2π} is dropped). The anomaly score is the same expression evaluated with
 * {@code z = μ} (deterministic), and {@code feature_errors_j = ½ (x_j − x̂_j)²}, so
 * {@code score = Σ_j feature_errors_j + β·KL}.
 *
 * <p>The log-variance head is soft-clamped, {@code logvar = L·tanh(a/L)} with {@code L =}
 * {@value #LOG_VARIANCE_LIMIT} on the linear output {@code a}, so that a far-off input cannot overflow
 * {@code exp(logvar)} and turn training into NaN (seen with robust scaling on shuttle); the export does the same.
 *
 * <p>{@link Regularisation}: the L1 code penalty acts on μ; input noise corrupts what the encoder reads while
 * the reconstruction term compares with the clean input. Neither enters the score.
 */
public record VariationalAutoencoder(int inputs, List<Integer> hidden, int latent, Activation activation, double beta,
                                     Regularisation regularisation, List<Dense> encoder, Dense mean, Dense logVariance, List<Dense> decoder)
        implements Network {

    /** Bound L of the soft clamp on the log-variance, {@code logvar = L·tanh(a/L)}. */
    public static final double LOG_VARIANCE_LIMIT = 10.0;

    public VariationalAutoencoder {
        hidden = List.copyOf(hidden);
        encoder = List.copyOf(encoder);
        decoder = List.copyOf(decoder);
        java.util.Objects.requireNonNull(regularisation, "regularisation");
        if (!(beta >= 0) || !Double.isFinite(beta)) {
            throw new IllegalArgumentException("beta must be finite and >= 0, got " + beta);
        }
    }

    public static VariationalAutoencoder of(int inputs, List<Integer> hidden, int latent, Activation activation, double beta) {
        return of(inputs, hidden, latent, activation, beta, Regularisation.NONE);
    }

    public static VariationalAutoencoder of(int inputs, List<Integer> hidden, int latent, Activation activation, double beta,
                                            Regularisation regularisation) {
        int offset = 0;
        List<Dense> encoder = new ArrayList<>();
        int width = inputs;
        for (int h : hidden) {
            Dense d = new Dense(width, h, activation, offset);
            encoder.add(d);
            offset += d.size();
            width = h;
        }
        Dense mean = new Dense(width, latent, Activation.IDENTITY, offset);
        offset += mean.size();
        Dense logVar = new Dense(width, latent, Activation.IDENTITY, offset);
        offset += logVar.size();
        List<Dense> decoder = new ArrayList<>();
        width = latent;
        for (int i = hidden.size() - 1; i >= 0; i--) {
            Dense d = new Dense(width, hidden.get(i), activation, offset);
            decoder.add(d);
            offset += d.size();
            width = hidden.get(i);
        }
        decoder.add(new Dense(width, inputs, Activation.IDENTITY, offset));
        return new VariationalAutoencoder(inputs, hidden, latent, activation, beta, regularisation, encoder, mean, logVar, decoder);
    }

    @Override
    public ModelKind kind() {
        return ModelKind.VAE;
    }

    @Override
    public List<Dense> layers() {
        List<Dense> all = new ArrayList<>(encoder);
        all.add(mean);
        all.add(logVariance);
        all.addAll(decoder);
        return all;
    }

    @Override
    public int parameterCount() {
        Dense last = decoder.get(decoder.size() - 1);
        return last.offset() + last.size();
    }

    @Override
    public double lossAndGradient(double[] params, double[] x, int batch, double[] grad, RandomGenerator rng) {
        double[] eps = new double[batch * latent];
        for (int i = 0; i < eps.length; i++) {
            eps[i] = rng.nextGaussian();
        }
        return lossAndGradient(params, x, batch, grad, eps, regularisation.noise(rng, batch * inputs));
    }

    /** The loss with given noise ε [batch, latent] and no input noise: deterministic, for gradient checks. */
    public double lossAndGradient(double[] params, double[] x, int batch, double[] grad, double[] eps) {
        return lossAndGradient(params, x, batch, grad, eps, null);
    }

    /**
     * The loss with given noise ε [batch, latent] and input noise ({@code null} = none): deterministic, for
     * gradient checks. The encoder reads {@code x + inputNoise}; the reconstruction is compared with {@code x}.
     */
    public double lossAndGradient(double[] params, double[] x, int batch, double[] grad, double[] eps, double[] inputNoise) {
        double[][] enc = runEncoder(params, Regularisation.corrupt(x, inputNoise), batch);
        double[] h = enc[encoder.size()];
        double[] mu = new double[batch * latent];
        double[] a = new double[batch * latent];
        mean.forward(params, h, batch, mu);
        logVariance.forward(params, h, batch, a);
        double[] lv = clampLogVariance(a);
        double[] z = new double[batch * latent];
        double[] sigma = new double[batch * latent];
        double kl = 0;
        for (int i = 0; i < z.length; i++) {
            sigma[i] = Math.exp(0.5 * lv[i]);
            z[i] = mu[i] + sigma[i] * eps[i];
            kl += 0.5 * (mu[i] * mu[i] + sigma[i] * sigma[i] - lv[i] - 1);
        }
        double[][] dec = runDecoder(params, z, batch);
        double[] out = dec[decoder.size()];
        int n = batch * inputs;
        double rec = 0;
        double[] delta = new double[n];
        for (int i = 0; i < n; i++) {
            double d = out[i] - x[i];
            rec += 0.5 * d * d;
            delta[i] = d / batch;
        }
        for (int i = decoder.size() - 1; i >= 0; i--) {
            Dense d = decoder.get(i);
            double[] dx = new double[batch * d.in()];
            d.backward(params, dec[i], dec[i + 1], delta, batch, grad, dx);
            delta = dx;
        }
        // delta is now dL/dz
        double[] dmu = new double[z.length];
        double[] dlv = new double[z.length];
        double penalty = regularisation.codePenalty() > 0 ? Regularisation.addL1(mu, regularisation.codePenalty(), dmu) : 0;
        for (int i = 0; i < z.length; i++) {
            dmu[i] += delta[i] + beta * mu[i] / batch;
            double t = lv[i] / LOG_VARIANCE_LIMIT;
            dlv[i] = (delta[i] * eps[i] * 0.5 * sigma[i] + beta * 0.5 * (sigma[i] * sigma[i] - 1) / batch) * (1 - t * t);
        }
        int hw = batch * (encoder.isEmpty() ? inputs : encoder.get(encoder.size() - 1).out());
        double[] dh = encoder.isEmpty() ? null : new double[hw];
        double[] dh2 = encoder.isEmpty() ? null : new double[hw];
        mean.backward(params, h, mu, dmu, batch, grad, dh);
        logVariance.backward(params, h, a, dlv, batch, grad, dh2);
        if (dh != null) {
            for (int i = 0; i < hw; i++) {
                dh[i] += dh2[i];
            }
            delta = dh;
            for (int i = encoder.size() - 1; i >= 0; i--) {
                Dense d = encoder.get(i);
                double[] dx = i == 0 ? null : new double[batch * d.in()];
                d.backward(params, enc[i], enc[i + 1], delta, batch, grad, dx);
                delta = dx;
            }
        }
        return (rec + beta * kl) / batch + penalty;
    }

    @Override
    public void score(double[] params, double[] x, int batch, double[] score, double[] featureErrors) {
        double[] h = runEncoder(params, x, batch)[encoder.size()];
        double[] mu = new double[batch * latent];
        double[] a = new double[batch * latent];
        mean.forward(params, h, batch, mu);
        logVariance.forward(params, h, batch, a);
        double[] lv = clampLogVariance(a);
        double[] out = runDecoder(params, mu, batch)[decoder.size()];
        for (int r = 0; r < batch; r++) {
            double kl = 0;
            for (int k = 0; k < latent; k++) {
                int i = r * latent + k;
                kl += 0.5 * (mu[i] * mu[i] + Math.exp(lv[i]) - lv[i] - 1);
            }
            double rec = 0;
            for (int j = 0; j < inputs; j++) {
                int i = r * inputs + j;
                double d = x[i] - out[i];
                featureErrors[i] = 0.5 * d * d;
                rec += featureErrors[i];
            }
            score[r] = rec + beta * kl;
        }
    }

    @Override
    public void reconstruct(double[] params, double[] x, int batch, double[] reconstruction, double[] code) {
        double[] h = runEncoder(params, x, batch)[encoder.size()];
        double[] mu = new double[batch * latent];
        mean.forward(params, h, batch, mu);
        if (reconstruction != null) {
            decode(params, mu, batch, reconstruction);
        }
        if (code != null) {
            System.arraycopy(mu, 0, code, 0, mu.length);
        }
    }

    /**
     * The decoder alone: {@code out[batch*inputs()]} (standardised space) for codes {@code z[batch*latent()]}.
     * Decoding z drawn from the prior N(0, I) generates synthetic normal records ({@code kade sample}).
     */
    public void decode(double[] params, double[] z, int batch, double[] out) {
        System.arraycopy(runDecoder(params, z, batch)[decoder.size()], 0, out, 0, batch * inputs);
    }

    /** {@code L·tanh(a/L)}: near-identity for |a| well below L, bounded by ±L. */
    static double[] clampLogVariance(double[] a) {
        double[] lv = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            lv[i] = LOG_VARIANCE_LIMIT * Math.tanh(a[i] / LOG_VARIANCE_LIMIT);
        }
        return lv;
    }

    private double[][] runEncoder(double[] params, double[] x, int batch) {
        double[][] acts = new double[encoder.size() + 1][];
        acts[0] = x;
        for (int i = 0; i < encoder.size(); i++) {
            Dense d = encoder.get(i);
            acts[i + 1] = new double[batch * d.out()];
            d.forward(params, acts[i], batch, acts[i + 1]);
        }
        return acts;
    }

    private double[][] runDecoder(double[] params, double[] z, int batch) {
        double[][] acts = new double[decoder.size() + 1][];
        acts[0] = z;
        for (int i = 0; i < decoder.size(); i++) {
            Dense d = decoder.get(i);
            acts[i + 1] = new double[batch * d.out()];
            d.forward(params, acts[i], batch, acts[i + 1]);
        }
        return acts;
    }
}
