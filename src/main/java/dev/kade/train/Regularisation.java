package dev.kade.train;

import java.util.random.RandomGenerator;

/**
 * Training-only terms that shape what a network learns without changing how it scores.
 *
 * @param codePenalty weight λ of the L1 sparsity penalty {@code λ · mean |code|} on the latent code (the AE's
 *                    bottleneck, the VAE's μ), averaged over rows and latent units; 0 = off
 * @param inputNoise  standard deviation σ of Gaussian noise added to the standardised input during training
 *                    (denoising autoencoder); the target stays the clean input; 0 = off
 */
public record Regularisation(double codePenalty, double inputNoise) {
    /** Neither term. */
    public static final Regularisation NONE = new Regularisation(0, 0);

    public Regularisation {
        if (!(codePenalty >= 0) || !Double.isFinite(codePenalty)) {
            throw new IllegalArgumentException("--code-penalty " + codePenalty + ": must be >= 0");
        }
        if (!(inputNoise >= 0) || !Double.isFinite(inputNoise)) {
            throw new IllegalArgumentException("--input-noise " + inputNoise + ": must be >= 0");
        }
    }

    /** Fresh noise for {@code n} input values, or {@code null} when input noise is off (draws nothing). */
    double[] noise(RandomGenerator rng, int n) {
        if (inputNoise == 0) {
            return null;
        }
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            e[i] = inputNoise * rng.nextGaussian();
        }
        return e;
    }

    /**
     * {@code x + noise} over the first {@code noise.length} values (the rows of the batch; {@code x} may be a
     * longer reused buffer), or {@code x} itself when there is no noise.
     */
    static double[] corrupt(double[] x, double[] noise) {
        if (noise == null) {
            return x;
        }
        double[] y = x.clone();
        for (int i = 0; i < noise.length; i++) {
            y[i] += noise[i];
        }
        return y;
    }

    /**
     * The L1 term {@code λ · mean |code|} over all {@code code} values; adds its gradient into {@code dCode}
     * (the loss gradient w.r.t. the code) and returns the term's value. The subgradient at 0 is 0.
     */
    static double addL1(double[] code, double lambda, double[] dCode) {
        double sum = 0;
        double g = lambda / code.length;
        for (int i = 0; i < code.length; i++) {
            sum += Math.abs(code[i]);
            dCode[i] += g * Math.signum(code[i]);
        }
        return lambda * sum / code.length;
    }
}
