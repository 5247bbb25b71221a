package dev.kade.stream;

import dev.kade.model.ScorerContractException;
import dev.kade.output.DeadLetterReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scores of one batch of rows, or for each row why it has none. One model call scores the batch;
 * when that call fails, each row is scored on its own, so that one row the model cannot score does not
 * take the rest of the batch to the dead-letter topic with it.
 *
 * <p>Rows are row-major in one array (the processor's reused batch array); scores and feature errors
 * come back the same way. A NaN score is a failure ({@code scoring_failed}); +Infinity is a score (the
 * processor alerts on it). A {@link ScorerContractException} is a bug in the scorer, not a failure of the
 * model on a record: the rows it hits are {@code processing_error}, and like every failure here it never
 * propagates, since a batch may be scored inside a commit.
 */
final class BatchScores {
    private static final Logger LOG = LoggerFactory.getLogger(BatchScores.class);

    private final float[] score;
    private final float[] featureErrors;
    /** Every row's latent code, row-major, when asked for; null otherwise. */
    private final float[] latent;
    private final int latentWidth;
    private final String[] failure;
    private final DeadLetterReason[] reason;

    private BatchScores(int n, int width, int latentWidth) {
        this.score = new float[n];
        this.featureErrors = new float[n * width];
        this.latentWidth = latentWidth;
        this.latent = latentWidth > 0 ? new float[n * latentWidth] : null;
        this.failure = new String[n];
        this.reason = new DeadLetterReason[n];
    }

    /** Scores rows {@code 0..count)} of {@code features} with the model; never throws for a model failure. */
    static BatchScores of(ServingModel model, float[] features, int count) {
        return of(model, features, count, 0);
    }

    /**
     * As {@link #of(ServingModel, float[], int)}, with each row's latent code too when {@code latentWidth > 0}
     * (in the same model call).
     */
    static BatchScores of(ServingModel model, float[] features, int count, int latentWidth) {
        int width = model.reader().width();
        BatchScores out = new BatchScores(count, width, latentWidth);
        if (count == 0) {
            return out;
        }
        try {
            out.scoreRows(model, features, count);
            out.checkFinite(0, count);
        } catch (RuntimeException e) {
            if (count == 1) {
                out.fail(0, model, e);
                return out;
            }
            LOG.warn("model {} failed on a batch of {}; scoring its rows one by one: {}", model.metadata().version(), count,
                    e.toString());
            float[] one = new float[1];
            float[] oneErrors = new float[width];
            float[] oneCode = new float[Math.max(1, latentWidth)];
            float[] row = new float[width];
            for (int i = 0; i < count; i++) {
                try {
                    System.arraycopy(features, i * width, row, 0, width);
                    if (latentWidth > 0) {
                        model.scorer().score(row, 1, one, oneErrors, oneCode);
                        System.arraycopy(oneCode, 0, out.latent, i * latentWidth, latentWidth);
                    } else {
                        model.scorer().score(row, 1, one, oneErrors);
                    }
                    out.score[i] = one[0];
                    System.arraycopy(oneErrors, 0, out.featureErrors, i * width, width);
                    out.checkFinite(i, 1);
                } catch (RuntimeException single) {
                    out.fail(i, model, single);
                }
            }
        }
        return out;
    }

    /** All {@code count} rows in one model call, asking for the latent codes when this batch holds them. */
    private void scoreRows(ServingModel model, float[] features, int count) {
        if (latent != null) {
            model.scorer().score(features, count, score, featureErrors, latent);
        } else {
            model.scorer().score(features, count, score, featureErrors);
        }
    }

    private void checkFinite(int from, int count) {
        for (int i = from; i < from + count; i++) {
            boolean nan = Float.isNaN(score[i]);
            failure[i] = nan ? "model gave a non-finite score: NaN" : null;
            reason[i] = nan ? DeadLetterReason.SCORING_FAILED : null;
        }
    }

    private void fail(int i, ServingModel model, RuntimeException e) {
        if (e instanceof ScorerContractException) {
            LOG.error("scorer of model {} broke its contract on a row", model.metadata().version(), e);
            failure[i] = "scorer broke its contract: " + e.getMessage();
            reason[i] = DeadLetterReason.PROCESSING_ERROR;
        } else {
            LOG.warn("model {} failed on a row: {}", model.metadata().version(), e.toString());
            failure[i] = "model failed: " + e;
            reason[i] = DeadLetterReason.SCORING_FAILED;
        }
    }

    /** Why row {@code i} has no score, or null when it has one. */
    String failure(int i) {
        return failure[i];
    }

    /** The dead-letter reason of row {@code i}'s failure, or null when it has a score. */
    DeadLetterReason reason(int i) {
        return reason[i];
    }

    float score(int i) {
        return score[i];
    }

    /** Every row's latent code, row-major ({@link #latentWidth()} per row), or null when not asked for. */
    float[] latent() {
        return latent;
    }

    int latentWidth() {
        return latentWidth;
    }

    /** Every row's feature errors, row-major ({@code width} per row). */
    float[] featureErrors() {
        return featureErrors;
    }
}
