package dev.kade.train;

import dev.kade.model.ModelContract;
import dev.kade.model.ModelKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything that decides a training run, validated at construction: a bad value fails naming the option
 * and the value. The same config and seed give the same model, bit for bit.
 *
 * @param kind                  AE or VAE
 * @param hidden                hidden layer sizes of the encoder (the decoder mirrors them); empty = auto
 * @param latentDim             bottleneck width; 0 = auto
 * @param activation            hidden-layer activation
 * @param epochs                maximum number of epochs
 * @param batchSize             rows per mini-batch
 * @param learningRate          Adam step size
 * @param weightDecay           decoupled (AdamW) weight decay; 0 = off
 * @param validationSplit       share of rows held out for early stopping and threshold calibration
 * @param earlyStoppingPatience epochs without improvement of the validation loss before stopping; 0 = off
 * @param seed                  seeds every random choice (split, initialisation, shuffling, VAE noise)
 * @param thresholdQuantile     quantile of validation scores that becomes the alert threshold
 * @param beta                  weight of the KL term in the VAE's loss and score (ignored by the AE)
 * @param scaling               how features are standardised
 */
public record TrainConfig(
        ModelKind kind,
        List<Integer> hidden,
        int latentDim,
        Activation activation,
        int epochs,
        int batchSize,
        double learningRate,
        double weightDecay,
        double validationSplit,
        int earlyStoppingPatience,
        long seed,
        double thresholdQuantile,
        double beta,
        Standardizer.Scaling scaling) {

    public static final double DEFAULT_THRESHOLD_QUANTILE = 0.995;

    public TrainConfig {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(scaling, "scaling");
        if (kind != ModelKind.AE && kind != ModelKind.VAE) {
            throw new IllegalArgumentException("kind: kade trains ae or vae, not " + kind.label());
        }
        hidden = List.copyOf(Objects.requireNonNull(hidden, "hidden"));
        for (int h : hidden) {
            check(h >= 1, "hidden", hidden, "layer sizes must be >= 1");
        }
        check(latentDim >= 0, "latent-dim", latentDim, "must be >= 1, or 0 for auto");
        check(epochs >= 1, "epochs", epochs, "must be >= 1");
        check(batchSize >= 1, "batch-size", batchSize, "must be >= 1");
        check(learningRate > 0 && Double.isFinite(learningRate), "learning-rate", learningRate, "must be > 0");
        check(weightDecay >= 0 && weightDecay < 1, "weight-decay", weightDecay, "must be in [0, 1)");
        check(validationSplit > 0 && validationSplit < 1, "validation-split", validationSplit, "must be in (0, 1)");
        check(earlyStoppingPatience >= 0, "early-stopping-patience", earlyStoppingPatience, "must be >= 0");
        // below the median the model alerts on most normal records; the scorer refuses such a model
        check(thresholdQuantile >= ModelContract.MIN_THRESHOLD_PROBABILITY && thresholdQuantile <= 1, "threshold-quantile",
                thresholdQuantile, "must be in [0.5, 1]");
        check(beta >= 0 && Double.isFinite(beta), "beta", beta, "must be >= 0");
    }

    /**
     * kade's one default configuration for every data set: hidden layers [2F, F], latent max(2, F/2), ReLU,
     * Adam 1e-3, batch 128, up to 200 epochs with patience 10 on a 20% validation split, robust scaling
     * (median/IQR), threshold at the 0.995 quantile, β = 1. Chosen on the ten benchmark sets as a whole
     * (see the README, "Quality"), never per set.
     */
    public static TrainConfig defaults(ModelKind kind) {
        return new TrainConfig(kind, List.of(), 0, Activation.RELU, 200, 128, 1e-3, 0.0, 0.2, 10, 42L,
                DEFAULT_THRESHOLD_QUANTILE, 1.0, Standardizer.Scaling.ROBUST);
    }

    /** Hidden sizes for {@code features} inputs: the configured ones, or the automatic {@code [2F, F]}. */
    public List<Integer> hiddenFor(int features) {
        if (!hidden.isEmpty()) {
            return hidden;
        }
        List<Integer> auto = new ArrayList<>();
        auto.add(Math.max(4, 2 * features));
        auto.add(Math.max(2, features));
        return auto;
    }

    /** Latent width for {@code features} inputs: the configured one, or the automatic {@code max(2, F/2)}. */
    public int latentFor(int features) {
        return latentDim > 0 ? latentDim : Math.max(2, features / 2);
    }

    /** The network this config describes for {@code features} inputs. */
    public Network network(int features) {
        return kind == ModelKind.VAE
                ? VariationalAutoencoder.of(features, hiddenFor(features), latentFor(features), activation, beta)
                : Autoencoder.of(features, hiddenFor(features), latentFor(features), activation);
    }

    public TrainConfig withKind(ModelKind k) {
        return new TrainConfig(k, hidden, latentDim, activation, epochs, batchSize, learningRate, weightDecay,
                validationSplit, earlyStoppingPatience, seed, thresholdQuantile, beta, scaling);
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(kind, hidden, latentDim, activation, e, batchSize, learningRate, weightDecay,
                validationSplit, earlyStoppingPatience, seed, thresholdQuantile, beta, scaling);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(kind, hidden, latentDim, activation, epochs, batchSize, learningRate, weightDecay,
                validationSplit, earlyStoppingPatience, s, thresholdQuantile, beta, scaling);
    }

    public TrainConfig withArchitecture(List<Integer> h, int latent) {
        return new TrainConfig(kind, h, latent, activation, epochs, batchSize, learningRate, weightDecay,
                validationSplit, earlyStoppingPatience, seed, thresholdQuantile, beta, scaling);
    }

    private static void check(boolean ok, String option, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException("--" + option + " " + value + ": " + rule);
        }
    }
}
