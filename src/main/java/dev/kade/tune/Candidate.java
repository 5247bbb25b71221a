package dev.kade.tune;

import dev.kade.model.ModelKind;
import dev.kade.train.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One point of the search space: a model kind and the settings tuning varies, with layer widths given as
 * multiples of the number of features F so that one candidate means the same shape on every data set.
 *
 * @param kind               AE or VAE (with {@code mixed}, the kind of the first half of the members)
 * @param mixed              kade's default mixed ensemble of AEs and VAEs ({@link TrainConfig#DEFAULT_ENSEMBLE} members)
 * @param hiddenMultipliers  encoder hidden widths as multiples of F (each at least 2); empty = the default 2F, F
 * @param latentMultiplier   bottleneck width as a multiple of F (at least 2); 0 = the default max(2, F/2)
 * @param learningRate       Adam step size
 * @param beta               weight of the VAE's KL term (AE members ignore it)
 */
public record Candidate(ModelKind kind, boolean mixed, List<Double> hiddenMultipliers, double latentMultiplier,
                        double learningRate, double beta) {

    public Candidate {
        Objects.requireNonNull(kind, "kind");
        if (kind != ModelKind.AE && kind != ModelKind.VAE) {
            throw new IllegalArgumentException("a candidate is an ae or vae, not " + kind.label());
        }
        hiddenMultipliers = List.copyOf(Objects.requireNonNull(hiddenMultipliers, "hiddenMultipliers"));
        for (double m : hiddenMultipliers) {
            if (!(m > 0)) {
                throw new IllegalArgumentException("hidden multipliers must be > 0, got " + hiddenMultipliers);
            }
        }
        if (!(latentMultiplier >= 0)) {
            throw new IllegalArgumentException("latent multiplier must be >= 0, got " + latentMultiplier);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
        }
        if (!(beta >= 0)) {
            throw new IllegalArgumentException("beta must be >= 0, got " + beta);
        }
    }

    /** {@code kade train --kind ae} or {@code vae} with no other option. */
    public static Candidate defaults(ModelKind kind) {
        TrainConfig d = TrainConfig.defaults(kind);
        return new Candidate(kind, false, List.of(), 0, d.learningRate(), d.beta());
    }

    /** {@code kade train} with no option: the mixed ensemble. */
    public static Candidate defaultMix() {
        TrainConfig d = TrainConfig.defaults(ModelKind.AE);
        return new Candidate(ModelKind.AE, true, List.of(), 0, d.learningRate(), d.beta());
    }

    /** {@code base} with this candidate's kind, shape, learning rate and β, for {@code features} inputs. */
    public TrainConfig config(TrainConfig base, int features) {
        TrainConfig.Builder b = base.toBuilder().kind(kind).learningRate(learningRate).beta(beta)
                .hidden(hidden(features)).latentDim(latent(features)).mixed(mixed)
                .ensemble(mixed ? TrainConfig.DEFAULT_ENSEMBLE : 1);
        return b.build();
    }

    private List<Integer> hidden(int features) {
        List<Integer> h = new ArrayList<>();
        for (double m : hiddenMultipliers) {
            h.add(Math.max(2, (int) Math.round(m * features)));
        }
        return h;
    }

    private int latent(int features) {
        return latentMultiplier == 0 ? 0 : Math.max(2, (int) Math.round(latentMultiplier * features));
    }

    /** A short name: {@code ae default}, {@code mix default}, {@code vae h=4F,2F z=0.25F lr=0.003 beta=2}. */
    public String name() {
        String k = mixed ? "mix" : kind.label();
        TrainConfig d = TrainConfig.defaults(kind);
        if (hiddenMultipliers.isEmpty() && latentMultiplier == 0 && learningRate == d.learningRate() && beta == d.beta()) {
            return k + " default";
        }
        StringBuilder s = new StringBuilder(k);
        s.append(" h=").append(hiddenMultipliers.isEmpty() ? "2F,F" : String.join(",", hiddenMultipliers.stream().map(Candidate::times).toList()));
        s.append(" z=").append(latentMultiplier == 0 ? "F/2" : times(latentMultiplier));
        s.append(" lr=").append(number(learningRate));
        if (kind == ModelKind.VAE || mixed) {
            s.append(" beta=").append(number(beta));
        }
        return s.toString();
    }

    /** The {@code kade train} options that train this candidate on data with {@code features} columns. */
    public String trainOptions(int features) {
        StringBuilder s = new StringBuilder("--kind ").append(mixed ? "mix" : kind.label());
        List<Integer> h = hidden(features);
        if (!h.isEmpty()) {
            s.append(" --hidden ").append(String.join(",", h.stream().map(String::valueOf).toList()));
        }
        int z = latent(features);
        if (z > 0) {
            s.append(" --latent-dim ").append(z);
        }
        TrainConfig d = TrainConfig.defaults(kind);
        if (learningRate != d.learningRate()) {
            s.append(" --learning-rate ").append(number(learningRate));
        }
        if (beta != d.beta() && (kind == ModelKind.VAE || mixed)) {
            s.append(" --beta ").append(number(beta));
        }
        return s.toString();
    }

    private static String times(double m) {
        return m == 1 ? "F" : number(m) + "F";
    }

    private static String number(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
