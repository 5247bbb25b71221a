package dev.kade.train;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Row indices of the training and validation parts of a data set. The validation rows are never fitted
 * on: they drive early stopping, the threshold, the score quantiles and, in an ensemble, the constants
 * that put the members' scores on one scale.
 *
 * @param train      rows the networks and the standardiser are fitted on
 * @param validation held-out rows
 */
public record DataSplit(int[] train, int[] validation) {

    public DataSplit {
        if (train.length == 0 || validation.length == 0) {
            throw new IllegalArgumentException("a split needs training and validation rows, got "
                    + train.length + " and " + validation.length);
        }
        train = train.clone();
        validation = validation.clone();
    }

    /** A random split of {@code n} rows, {@code share} of them (at least one, at most n − 1) held out. */
    public static DataSplit random(int n, double share, SplittableRandom rng) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Trainer.shuffle(order, rng);
        int nVal = Math.min(n - 1, Math.max(1, (int) Math.round(n * share)));
        return new DataSplit(Arrays.copyOfRange(order, nVal, n), Arrays.copyOfRange(order, 0, nVal));
    }

    /**
     * The split {@link Trainer#train} and {@link Trainer#trainEnsemble} make of {@code n} rows with {@code config}:
     * the first draw of the generator seeded with {@link TrainConfig#seed()}. The report uses it to find the
     * validation rows of a trained model again (tested against the model's validation scores).
     */
    public static DataSplit of(int n, TrainConfig config) {
        return random(n, config.validationSplit(), new SplittableRandom(config.seed()));
    }

    @Override
    public int[] train() {
        return train.clone();
    }

    @Override
    public int[] validation() {
        return validation.clone();
    }
}
