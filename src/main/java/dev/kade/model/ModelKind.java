package dev.kade.model;

import java.util.Locale;

/**
 * What a model computes, which decides how its score reads.
 *
 * <p>{@link #AE} and {@link #VAE} are models kade trained and exported with both contract outputs.
 * {@link #RECONSTRUCTION} is a foreign model (a plain PyTorch or Keras export) that outputs only a
 * reconstruction of its input; kade computes the score and per-feature errors itself.
 */
public enum ModelKind {
    /** Autoencoder: score is the mean squared reconstruction error in standardised space. */
    AE,
    /** Variational autoencoder: score is the negative ELBO with z = mean of q(z|x). */
    VAE,
    /**
     * Several kade AEs and/or VAEs exported as one graph: score is the mean of the members' scores, each
     * normalised with constants from held-out normal data; feature errors combined the same way.
     */
    ENSEMBLE,
    /** Foreign model with a reconstruction output only; score computed by kade. */
    RECONSTRUCTION;

    /** Parses a kind case-insensitively, naming the accepted values when it fails. */
    public static ModelKind parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown model kind '" + text + "', expected one of ae, vae, ensemble, reconstruction");
        }
    }

    /** The lower-case name used in metadata, alerts and metric tags. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
