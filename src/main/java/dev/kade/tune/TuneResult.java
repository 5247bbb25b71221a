package dev.kade.tune;

import dev.kade.train.TrainConfig;
import dev.kade.train.TrainedEnsemble;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link Tuner#tune}: every trial, the candidate models (trained on the tuning part; empty
 * where training failed), which one won, and the winner trained again on all rows.
 *
 * @param rankedBy        the criterion the choice was made by
 * @param trials          one per candidate, in the order tried
 * @param candidateModels the model each trial measured, same order
 * @param chosen          index of the winning trial
 * @param chosenConfig    the winner's full training configuration
 * @param model           the winner trained on all rows, ready to export
 * @param finalSeconds    seconds that last training took
 * @param heldOutRows     normal rows held out from every candidate
 */
public record TuneResult(Criterion rankedBy, List<Trial> trials, List<Optional<TrainedEnsemble>> candidateModels, int chosen,
                         TrainConfig chosenConfig, TrainedEnsemble model, double finalSeconds, int heldOutRows) {

    public TuneResult {
        Objects.requireNonNull(rankedBy, "rankedBy");
        trials = List.copyOf(trials);
        candidateModels = List.copyOf(candidateModels);
        Objects.requireNonNull(chosenConfig, "chosenConfig");
        Objects.requireNonNull(model, "model");
        if (chosen < 0 || chosen >= trials.size() || trials.size() != candidateModels.size()) {
            throw new IllegalArgumentException("chosen " + chosen + " of " + trials.size() + " trials");
        }
    }

    public Trial chosenTrial() {
        return trials.get(chosen);
    }

    /** Seconds spent training candidates and the final model. */
    public double totalTrainSeconds() {
        return trials.stream().mapToDouble(Trial::trainSeconds).sum() + finalSeconds;
    }
}
