package dev.kade.tune;

import java.util.Objects;
import java.util.Optional;

/**
 * What one candidate scored. A candidate whose training failed (diverged) has NaN values and a reason.
 *
 * @param candidate       what was tried
 * @param index           its place in the order tried, from 0
 * @param permutedAuc     ROC-AUC of held-out normal rows against column-permuted rows
 * @param beyondRangeAuc  ROC-AUC of held-out normal rows against rows with one feature beyond the range
 * @param labelledAuc     ROC-AUC on the labelled validation file; NaN without one
 * @param validationLoss  the kept epoch's validation loss of a single network (its mean score; not comparable
 *                        between AE and VAE); NaN for an ensemble
 * @param trainSeconds    wall-clock seconds to train the candidate
 * @param failure         why training failed, if it did
 */
public record Trial(Candidate candidate, int index, double permutedAuc, double beyondRangeAuc, double labelledAuc,
                    double validationLoss, double trainSeconds, Optional<String> failure) {

    public Trial {
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(failure, "failure");
    }

    /** The label-free criterion: the mean of the two synthetic-anomaly AUCs. */
    public double syntheticAuc() {
        return (permutedAuc + beyondRangeAuc) / 2;
    }

    /** The value {@code criterion} ranks by; NaN when training failed. */
    public double value(Criterion criterion) {
        return criterion == Criterion.LABELLED ? labelledAuc : syntheticAuc();
    }

    public boolean failed() {
        return failure.isPresent();
    }
}
