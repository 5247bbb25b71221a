package dev.kade.tune;

import dev.kade.model.ModelKind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * What {@code kade tune} tries: kade's three default models first (one AE, one VAE, the mixed ensemble),
 * so tuning can only move away from a default when its criterion says another candidate is better, then
 * candidates drawn at random, without repetition, from a small grid:
 *
 * <ul>
 *   <li>kind: AE or VAE (half each in expectation);</li>
 *   <li>hidden widths, as multiples of F: {@code F} (one layer), {@code 2F,F} (the default), {@code 4F,2F}
 *       (wider), {@code 2F,2F,F} (deeper);</li>
 *   <li>latent width: 0.25F, 0.5F, 0.75F (each at least 2);</li>
 *   <li>learning rate: 3e-4, 1e-3, 3e-3;</li>
 *   <li>β (VAE only): 0.5, 1, 2.</li>
 * </ul>
 *
 * <p>The draw is seeded: the same seed and number of trials give the same candidates in the same order.
 */
public final class SearchSpace {
    static final List<List<Double>> HIDDEN = List.of(List.of(1.0), List.of(2.0, 1.0), List.of(4.0, 2.0), List.of(2.0, 2.0, 1.0));
    static final List<Double> LATENT = List.of(0.25, 0.5, 0.75);
    static final List<Double> LEARNING_RATE = List.of(3e-4, 1e-3, 3e-3);
    static final List<Double> BETA = List.of(0.5, 1.0, 2.0);
    /** Default number of candidates: the three defaults and five drawn ones. */
    public static final int DEFAULT_TRIALS = 8;
    /** Most candidates: the grid has 144 points plus the defaults; more trials than that is not a search. */
    public static final int MAX_TRIALS = 64;

    private SearchSpace() {
    }

    /** The defaults, in the order they are tried. */
    public static List<Candidate> defaults() {
        return List.of(Candidate.defaults(ModelKind.AE), Candidate.defaults(ModelKind.VAE), Candidate.defaultMix());
    }

    /**
     * {@code trials} candidates: the first {@code min(trials, 3)} defaults, then random grid points.
     *
     * @throws IllegalArgumentException if {@code trials} is outside [1, {@link #MAX_TRIALS}]
     */
    public static List<Candidate> candidates(int trials, long seed) {
        requireTrials(trials);
        Set<Candidate> chosen = new LinkedHashSet<>(defaults().subList(0, Math.min(trials, defaults().size())));
        // the grid's own spelling of the single-model defaults (2F,F; F/2; 1e-3; β 1) is not drawn again
        Set<String> defaultNames = Set.of("ae h=2F,F z=0.5F lr=0.001", "vae h=2F,F z=0.5F lr=0.001 beta=1");
        SplittableRandom rng = new SplittableRandom(seed);
        while (chosen.size() < trials) {
            Candidate c = draw(rng);
            if (!defaultNames.contains(c.name())) {
                chosen.add(c);
            }
        }
        return new ArrayList<>(chosen);
    }

    /**
     * Checks a number of trials, naming the option.
     *
     * @throws IllegalArgumentException if {@code trials} is outside [1, {@link #MAX_TRIALS}]
     */
    public static int requireTrials(int trials) {
        if (trials < 1 || trials > MAX_TRIALS) {
            throw new IllegalArgumentException("--trials " + trials + ": must be in [1, " + MAX_TRIALS + "]");
        }
        return trials;
    }

    private static Candidate draw(SplittableRandom rng) {
        ModelKind kind = rng.nextBoolean() ? ModelKind.AE : ModelKind.VAE;
        List<Double> hidden = HIDDEN.get(rng.nextInt(HIDDEN.size()));
        double latent = LATENT.get(rng.nextInt(LATENT.size()));
        double lr = LEARNING_RATE.get(rng.nextInt(LEARNING_RATE.size()));
        double beta = BETA.get(rng.nextInt(BETA.size()));
        return new Candidate(kind, false, hidden, latent, lr, kind == ModelKind.VAE ? beta : 1.0);
    }
}
