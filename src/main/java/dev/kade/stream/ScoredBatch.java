package dev.kade.stream;

import dev.kade.features.FeatureException;
import dev.kade.features.RecordReader;
import dev.kade.model.ScorerContractException;
import dev.kade.output.DeadLetterReason;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One batch as the processor scores it: a row per buffered record, in arrival order, and each row ends in
 * exactly one outcome: <em>scored</em> (its score, and its feature errors and latent code in this batch's
 * arrays) or <em>dead-lettered</em> (a {@link DeadLetter} with the reason). So every record read is scored
 * or dead-lettered, never both and never neither.
 *
 * <p>{@link #read}: each record's features go straight from its bytes into the batch's row-major feature
 * array; a record that cannot be read is dead-lettered and takes no feature row. {@link #score}: one model
 * call over the readable rows; when that call fails, each row is scored on its own, so that one row the
 * model cannot score does not take the rest of the batch to the dead-letter topic with it. A NaN score is a
 * failure ({@code scoring_failed}); +Infinity is a score (the processor alerts on it). A
 * {@link ScorerContractException} is a bug in the scorer, not a failure of the model on a record: the rows it
 * hits are {@code processing_error}. Nothing here throws for a bad record or a failing model, since a batch
 * may be scored inside a commit.
 *
 * <p>A batch is scored before every commit of its task, so no offset is committed while its record waits
 * here ({@code docs/design/commit-safe-batching.md}).
 *
 * <p>Owned by one processor and reused from batch to batch: its arrays and rows grow and are never shrunk,
 * so a batch allocates nothing per scored record. Not thread-safe (one processor, one stream thread).
 */
final class ScoredBatch {
    private static final Logger LOG = LoggerFactory.getLogger(ScoredBatch.class);

    /** Why a record was dead-lettered: the reason header, a detail, and the feature at fault when there is one. */
    record DeadLetter(DeadLetterReason reason, String detail, String feature) {
    }

    /** One buffered record and its one outcome. */
    static final class Row {
        private PendingBatch.Entry entry;
        /** Its row in the feature, score, error and latent arrays; -1 when unreadable. */
        private int featureRow;
        private DeadLetter deadLetter;

        PendingBatch.Entry entry() {
            return entry;
        }

        /** True when the record has a score; false when it is dead-lettered. */
        boolean scored() {
            return deadLetter == null;
        }

        /** Why the record is dead-lettered; null when it was scored. */
        DeadLetter deadLetter() {
            return deadLetter;
        }
    }

    private Row[] rows = new Row[0];
    private int size;
    /** Feature row i belongs to {@code rows[batchRow[i]]}: how a model failure on row i finds its record. */
    private int[] batchRow = new int[0];
    private int readable;
    private int width;
    private int latentWidth;
    private float[] features = new float[0];
    private float[] score = new float[0];
    private float[] featureErrors = new float[0];
    /** Every readable row's latent code, row-major, when asked for. */
    private float[] latent = new float[0];

    /**
     * Starts a new batch of {@code entries}, reading each record's features with {@code reader}; records that
     * cannot be read are dead-lettered now.
     *
     * @param latentWidth width of the latent code to fetch with the scores, 0 for none
     */
    void read(List<PendingBatch.Entry> entries, RecordReader reader, int latentWidth) {
        int n = entries.size();
        this.width = reader.width();
        this.latentWidth = latentWidth;
        ensureCapacity(n);
        size = n;
        readable = 0;
        for (int i = 0; i < n; i++) {
            Row row = rows[i];
            row.entry = entries.get(i);
            row.deadLetter = null;
            try {
                reader.read(row.entry.record().value(), features, readable * width);
                row.featureRow = readable;
                batchRow[readable++] = i;
            } catch (FeatureException fe) {
                row.featureRow = -1;
                row.deadLetter = new DeadLetter(DeadLetterReason.of(fe.error()), fe.getMessage(), fe.feature().orElse(null));
            }
        }
    }

    private void ensureCapacity(int n) {
        if (rows.length < n) {
            Row[] grown = java.util.Arrays.copyOf(rows, n);
            for (int i = rows.length; i < n; i++) {
                grown[i] = new Row();
            }
            rows = grown;
            batchRow = new int[n];
            score = new float[n];
        }
        if (features.length < n * width) {
            features = new float[n * width];
            featureErrors = new float[n * width];
        }
        if (latent.length < n * latentWidth) {
            latent = new float[n * latentWidth];
        }
    }

    /** Scores the readable rows with {@code model}; a row the model fails on is dead-lettered. Never throws for a model failure. */
    void score(ServingModel model) {
        int count = readable;
        if (count == 0) {
            return;
        }
        try {
            scoreRows(model, count);
            checkFinite(0, count);
        } catch (RuntimeException e) {
            if (count == 1) {
                fail(0, model, e);
                return;
            }
            LOG.warn("model {} failed on a batch of {}; scoring its rows one by one: {}", model.metadata().version(), count,
                    e.toString());
            scoreOneByOne(model, count);
        }
    }

    /** All {@code count} rows in one model call, asking for the latent codes when this batch holds them. */
    private void scoreRows(ServingModel model, int count) {
        if (latentWidth > 0) {
            model.scorer().score(features, count, score, featureErrors, latent);
        } else {
            model.scorer().score(features, count, score, featureErrors);
        }
    }

    private void scoreOneByOne(ServingModel model, int count) {
        float[] one = new float[1];
        float[] oneErrors = new float[width];
        float[] oneCode = new float[Math.max(1, latentWidth)];
        float[] row = new float[width];
        for (int i = 0; i < count; i++) {
            try {
                System.arraycopy(features, i * width, row, 0, width);
                if (latentWidth > 0) {
                    model.scorer().score(row, 1, one, oneErrors, oneCode);
                    System.arraycopy(oneCode, 0, latent, i * latentWidth, latentWidth);
                } else {
                    model.scorer().score(row, 1, one, oneErrors);
                }
                score[i] = one[0];
                System.arraycopy(oneErrors, 0, featureErrors, i * width, width);
                checkFinite(i, 1);
            } catch (RuntimeException single) {
                fail(i, model, single);
            }
        }
    }

    private void checkFinite(int from, int count) {
        for (int i = from; i < from + count; i++) {
            rows[batchRow[i]].deadLetter = Float.isNaN(score[i])
                    ? new DeadLetter(DeadLetterReason.SCORING_FAILED, "model gave a non-finite score: NaN", null) : null;
        }
    }

    private void fail(int featureRow, ServingModel model, RuntimeException e) {
        DeadLetter d;
        if (e instanceof ScorerContractException) {
            LOG.error("scorer of model {} broke its contract on a row", model.metadata().version(), e);
            d = new DeadLetter(DeadLetterReason.PROCESSING_ERROR, "scorer broke its contract: " + e.getMessage(), null);
        } else {
            LOG.warn("model {} failed on a row: {}", model.metadata().version(), e.toString());
            d = new DeadLetter(DeadLetterReason.SCORING_FAILED, "model failed: " + e, null);
        }
        rows[batchRow[featureRow]].deadLetter = d;
        score[featureRow] = Float.NaN;
    }

    /** Records in this batch. */
    int size() {
        return size;
    }

    /** Records that could be read (and so went to the model). */
    int readable() {
        return readable;
    }

    /** The batch's {@code i}th record, in arrival order. */
    Row row(int i) {
        return rows[i];
    }

    /** A scored row's score. */
    float score(Row row) {
        return score[row.featureRow];
    }

    /** Every readable row's score, by feature row ({@link #readable()} of them); NaN for a row the model failed on. */
    float[] scores() {
        return score;
    }

    /** Every readable row's features, row-major; a row's start is {@link #featureOffset}. */
    float[] features() {
        return features;
    }

    /** Every readable row's feature errors, laid out as {@link #features()}. */
    float[] featureErrors() {
        return featureErrors;
    }

    /** Where a readable row starts in {@link #features()} and {@link #featureErrors()}. */
    int featureOffset(Row row) {
        return row.featureRow * width;
    }

    /** Every readable row's latent code, row-major, or null when this batch fetched none. */
    float[] latent() {
        return latentWidth > 0 ? latent : null;
    }

    /** Where a readable row's latent code starts in {@link #latent()}. */
    int latentOffset(Row row) {
        return row.featureRow * latentWidth;
    }

    int latentWidth() {
        return latentWidth;
    }
}
