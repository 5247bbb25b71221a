package dev.kade.train;

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

    /** One epoch's figures. */
    record Epoch(int epoch, int maxEpochs, double trainLoss, double validationLoss, double bestValidationLoss,
                 int bestEpoch, double seconds) {
    }
}
