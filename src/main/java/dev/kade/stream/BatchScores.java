package dev.kade.stream;

import dev.kade.model.Scores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scores of one batch of rows, or for each row why it has none. One model call scores the batch;
 * when that call fails, each row is scored on its own, so that one row the model cannot score does not
 * take the rest of the batch to the dead-letter topic with it.
 */
final class BatchScores {
    private static final Logger LOG = LoggerFactory.getLogger(BatchScores.class);

    private final float[] score;
    private final float[][] featureErrors;
    private final String[] failure;

    private BatchScores(int n) {
        this.score = new float[n];
        this.featureErrors = new float[n][];
        this.failure = new String[n];
    }

    /** Scores {@code rows[0..count)} with the model; never throws for a model failure. */
    static BatchScores of(ServingModel model, float[][] rows, int count) {
        BatchScores out = new BatchScores(count);
        if (count == 0) {
            return out;
        }
        float[][] batch = rows.length == count ? rows : java.util.Arrays.copyOf(rows, count);
        try {
            out.fill(0, model.scorer().score(batch), count);
        } catch (RuntimeException e) {
            if (count == 1) {
                out.fail(0, model, e);
                return out;
            }
            LOG.warn("model {} failed on a batch of {}; scoring its rows one by one: {}", model.metadata().version(), count,
                    e.toString());
            for (int i = 0; i < count; i++) {
                try {
                    out.fill(i, model.scorer().score(new float[][] {rows[i]}), 1);
                } catch (RuntimeException one) {
                    out.fail(i, model, one);
                }
            }
        }
        return out;
    }

    private void fill(int from, Scores s, int count) {
        if (s.size() != count) {
            throw new IllegalStateException("model returned " + s.size() + " scores for " + count + " rows");
        }
        for (int i = 0; i < count; i++) {
            float v = s.score()[i];
            score[from + i] = v;
            featureErrors[from + i] = s.featureErrors()[i];
            failure[from + i] = Float.isFinite(v) ? null : "model gave a non-finite score: " + v;
        }
    }

    private void fail(int i, ServingModel model, RuntimeException e) {
        LOG.warn("model {} failed on a row: {}", model.metadata().version(), e.toString());
        failure[i] = "model failed: " + e;
    }

    /** Why row {@code i} has no score, or null when it has one. */
    String failure(int i) {
        return failure[i];
    }

    float score(int i) {
        return score[i];
    }

    float[] featureErrors(int i) {
        return featureErrors[i];
    }
}
