package dev.kade.entity;

import dev.kade.model.Scorer;
import dev.kade.model.ScorerContractException;
import dev.kade.output.DeadLetterReason;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scores of one batch of windows ({@link SeriesView}'s rows), or for each row why it has none: the windowed
 * counterpart of the stream's per-record batch scores. One {@link Scorer#scoreWindows} call scores the batch;
 * when it fails, each row is scored on its own, so one row the model cannot score does not take the rest of the
 * batch to the dead-letter topic. A NaN score is {@code scoring_failed}; a {@link ScorerContractException} is
 * {@code processing_error}. Nothing here throws for a model failure: a batch may be scored inside a commit.
 *
 * <p>Also says, per row, which step and feature were furthest from the model's reconstruction (in units of the
 * entity's scale, so features of different sizes compare), or without a reconstruction which feature had the
 * largest error.
 */
public final class WindowScores {
    private static final Logger LOG = LoggerFactory.getLogger(WindowScores.class);

    private final int w;
    private final int f;
    private final float[] score;
    private final float[] featureErrors;
    private final float[] reconstruction;
    private final String[] failure;
    private final DeadLetterReason[] reason;

    private WindowScores(int rows, int w, int f, boolean reconstruct) {
        this.w = w;
        this.f = f;
        this.score = new float[rows];
        this.featureErrors = new float[rows * f];
        this.reconstruction = reconstruct ? new float[rows * w * f] : null;
        this.failure = new String[rows];
        this.reason = new DeadLetterReason[rows];
    }

    /**
     * Scores every row of {@code view} with {@code scorer}; with {@code reconstruct} (and a model that has one)
     * also the expected values, for alerts.
     */
    public static WindowScores of(Scorer scorer, SeriesView view, boolean reconstruct) {
        Objects.requireNonNull(scorer, "scorer");
        int rows = view.rows();
        int w = view.spec().window();
        int f = view.spec().features();
        boolean withRecon = reconstruct && scorer.hasReconstruction();
        WindowScores out = new WindowScores(rows, w, f, withRecon);
        if (rows == 0) {
            return out;
        }
        float[] stats = scorer.takesEntityStats() ? view.stats() : null;
        try {
            scorer.scoreWindows(view.windows(), stats, rows, out.score, out.featureErrors, out.reconstruction);
            out.checkNaN(0, rows);
        } catch (RuntimeException e) {
            if (rows == 1) {
                out.fail(0, scorer, e);
                return out;
            }
            LOG.warn("model {} failed on a batch of {} windows; scoring them one by one: {}", scorer.metadata().version(), rows,
                    e.toString());
            out.oneByOne(scorer, view, stats);
        }
        return out;
    }

    private void oneByOne(Scorer scorer, SeriesView view, float[] stats) {
        int width = w * f;
        float[] window = new float[width];
        float[] stat = stats == null ? null : new float[2 * f];
        float[] one = new float[1];
        float[] errors = new float[f];
        float[] recon = reconstruction == null ? null : new float[width];
        for (int i = 0; i < score.length; i++) {
            try {
                System.arraycopy(view.windows(), i * width, window, 0, width);
                if (stat != null) {
                    System.arraycopy(stats, i * 2 * f, stat, 0, 2 * f);
                }
                scorer.scoreWindows(window, stat, 1, one, errors, recon);
                score[i] = one[0];
                System.arraycopy(errors, 0, featureErrors, i * f, f);
                if (recon != null) {
                    System.arraycopy(recon, 0, reconstruction, i * width, width);
                }
                checkNaN(i, 1);
            } catch (RuntimeException single) {
                fail(i, scorer, single);
            }
        }
    }

    private void checkNaN(int from, int count) {
        for (int i = from; i < from + count; i++) {
            boolean nan = Float.isNaN(score[i]);
            failure[i] = nan ? "model gave a non-finite score: NaN" : null;
            reason[i] = nan ? DeadLetterReason.SCORING_FAILED : null;
        }
    }

    private void fail(int i, Scorer scorer, RuntimeException e) {
        if (e instanceof ScorerContractException) {
            LOG.error("scorer of model {} broke its contract on a window", scorer.metadata().version(), e);
            failure[i] = "scorer broke its contract: " + e.getMessage();
            reason[i] = DeadLetterReason.PROCESSING_ERROR;
        } else {
            LOG.warn("model {} failed on a window: {}", scorer.metadata().version(), e.toString());
            failure[i] = "model failed: " + e;
            reason[i] = DeadLetterReason.SCORING_FAILED;
        }
    }

    /** Why row {@code i} has no score, or null. */
    public String failure(int i) {
        return failure[i];
    }

    /** The dead-letter reason of row {@code i}'s failure, or null. */
    public DeadLetterReason reason(int i) {
        return reason[i];
    }

    public float score(int i) {
        return score[i];
    }

    /** Every row's feature errors, row-major (F per row). */
    public float[] featureErrors() {
        return featureErrors;
    }

    /** Every row's expected window laid out as the windows, or null without a reconstruction. */
    public float[] reconstruction() {
        return reconstruction;
    }

    /**
     * The step furthest off in row {@code i}, counted back from the record (0 = the record), with its feature in
     * {@code feature[0]}: the largest {@code |actual − expected| / scale} over the window. Without a reconstruction
     * the step is -1 and the feature the one with the largest error.
     */
    public int furthestOff(int i, SeriesView view, int[] feature) {
        if (reconstruction == null) {
            int best = 0;
            for (int j = 1; j < f; j++) {
                if (featureErrors[i * f + j] > featureErrors[i * f + best]) {
                    best = j;
                }
            }
            feature[0] = best;
            return -1;
        }
        int base = i * w * f;
        int sBase = i * 2 * f + f;
        double worst = -1;
        int step = w - 1;
        int feat = 0;
        for (int t = 0; t < w; t++) {
            for (int j = 0; j < f; j++) {
                float scale = view.stats()[sBase + j];
                double d = Math.abs((double) view.windows()[base + t * f + j] - reconstruction[base + t * f + j])
                        / (scale > 0 ? scale : 1);
                if (d >= worst) {
                    worst = d;
                    step = t;
                    feat = j;
                }
            }
        }
        feature[0] = feat;
        return w - 1 - step;
    }
}
