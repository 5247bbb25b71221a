package dev.kade.train;

import dev.kade.model.ModelKind;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A network kade can train and export: its architecture only. Parameters live in a flat
 * {@code double[]} owned by the caller, so one architecture object serves training, scoring and export,
 * and is immutable and thread-safe. Inputs are standardised rows, row-major {@code [batch, inputs()]}.
 */
public sealed interface Network permits Autoencoder, VariationalAutoencoder {

    ModelKind kind();

    /** Width of an input row (and of its reconstruction). */
    int inputs();

    /** Width of the code: the AE's bottleneck, the VAE's μ. */
    int latent();

    /** Length of the parameter vector. */
    int parameterCount();

    /** Every layer, in parameter-vector order. */
    List<Dense> layers();

    /** Fills {@code params} with initial weights drawn from {@code rng}. */
    default void initialise(double[] params, RandomGenerator rng) {
        for (Dense d : layers()) {
            d.initialise(params, rng);
        }
    }

    /**
     * The training loss of a batch, averaged over its rows; its gradient w.r.t. the parameters is
     * <em>added</em> into {@code grad}. {@code rng} supplies whatever noise the loss needs (the VAE's ε).
     */
    double lossAndGradient(double[] params, double[] x, int batch, double[] grad, RandomGenerator rng);

    /** Anomaly scores {@code score[batch]} and per-feature errors {@code featureErrors[batch*inputs()]}. */
    void score(double[] params, double[] x, int batch, double[] score, double[] featureErrors);

    /**
     * The deterministic reconstruction {@code reconstruction[batch*inputs()]} (standardised space) and code
     * {@code code[batch*latent()]} that {@link #score} compares against: the AE's output and bottleneck, the
     * VAE's decoder at z = μ and μ. Either array may be null when not wanted.
     */
    void reconstruct(double[] params, double[] x, int batch, double[] reconstruction, double[] code);
}
