package dev.kade.train;

import dev.kade.model.ModelKind;

/** Hears about a training run as it goes; the CLI draws a progress bar, tests pass {@link #NONE}. */
public interface ProgressListener {
    ProgressListener NONE = new ProgressListener() { };

    /** Called once before the first epoch. */
    default void started(TrainConfig config, int trainRows, int validationRows, int parameters) {
    }

    /** Called after each epoch. */
    default void epoch(Epoch e) {
    }

    /** Called once after training stops. */
    default void finished(TrainingHistory history) {
    }

    /**
     * The listener for ensemble member {@code index} (0-based) of {@code count}, of kind {@code kind}. Called on the
     * caller's thread before any member trains; members may then train on several threads at once, each calling
     * only its own listener. The default returns this listener, which must then be thread-safe.
     */
    default ProgressListener member(int index, int count, ModelKind kind) {
        return this;
    }

    /** One epoch's figures. */
    record Epoch(int epoch, int maxEpochs, double trainLoss, double validationLoss, double bestValidationLoss,
                 int bestEpoch, double seconds) {
    }
}
