package dev.kade.train;

import dev.kade.model.ModelKind;

/**
 * What {@code kade train --kind} trains: one autoencoder, one variational autoencoder, or the mixed
 * ensemble of both (kade's default). {@code mix} is not a model kind of its own: it is an ensemble whose
 * first ⌈K/2⌉ members are AEs and the rest VAEs ({@link TrainConfig#memberKind}; the default K = 6: 3 AEs + 3 VAEs),
 * which {@link TrainConfig} spells as kind AE with {@code mixed} set.
 */
public enum TrainKind {
    AE(ModelKind.AE, false),
    VAE(ModelKind.VAE, false),
    MIX(ModelKind.AE, true);

    private final ModelKind kind;
    private final boolean mixed;

    TrainKind(ModelKind kind, boolean mixed) {
        this.kind = kind;
        this.mixed = mixed;
    }

    /** The defaults for this choice: a mix is an ensemble of {@link TrainConfig#DEFAULT_ENSEMBLE} members. */
    public TrainConfig.Builder defaults() {
        TrainConfig.Builder b = TrainConfig.defaults(kind).toBuilder().mixed(mixed);
        return mixed ? b.ensemble(TrainConfig.DEFAULT_ENSEMBLE) : b;
    }
}
