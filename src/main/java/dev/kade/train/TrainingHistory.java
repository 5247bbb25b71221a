package dev.kade.train;

import java.util.List;

/**
 * What happened while training: loss per epoch on the training and validation splits, time per epoch,
 * and the epoch whose parameters were kept (the best validation loss).
 */
public record TrainingHistory(List<Double> trainLoss, List<Double> validationLoss, List<Double> epochSeconds,
                              int bestEpoch, boolean stoppedEarly) {
    public TrainingHistory {
        trainLoss = List.copyOf(trainLoss);
        validationLoss = List.copyOf(validationLoss);
        epochSeconds = List.copyOf(epochSeconds);
    }

    public int epochs() {
        return trainLoss.size();
    }

    /** Mean wall-clock seconds per epoch. */
    public double meanEpochSeconds() {
        return epochSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    public double bestValidationLoss() {
        return validationLoss.get(bestEpoch - 1);
    }
}
