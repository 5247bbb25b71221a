package dev.kade.stream;

import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ModelMetadata;
import dev.kade.output.OutputTooLargeException;
import dev.kade.output.OutputWriter;
import dev.kade.output.ScoreRecord;
import dev.kade.output.Source;
import java.util.Objects;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores a batch a second time with the shadow (challenger) model, after the serving model and on the same feature
 * rows, and reports both models' scores to {@link KadeMetrics#shadowBatch}: nothing the shadow computes is forwarded,
 * so it can neither raise an alert nor change what the serving model sends. One per processor (task), on its thread;
 * its arrays are reused from batch to batch.
 *
 * <p>Windowed models ({@link #scoreWindows}): the shadow scores the same per-entity windows the serving model just
 * scored, read from the batch's view (no entity state of its own), and must read the same windows (window, features
 * per step, normalisation), which the load check ensures.
 *
 * <p>A shadow failure never fails the batch: it is logged, counted ({@code kade_shadow_failures_total}) and the batch
 * goes on. An empty shadow slot (no file yet) skips the batch silently: an empty slot is a normal state, not a failure.
 * The shadow is held by a lease of its own registry for the call, so its hot reload never closes a session
 * under a running inference. It reads the serving model's feature rows, so it must have the same features (the load
 * check ensures it; a batch of a serving model swapped to other features is skipped and counted as a failure).
 *
 * <p>With a shadow scores topic ({@link ShadowSetup#scoresTopic}), {@link #forward} sends, for each record the serving
 * model scored and sent, a score record of the shadow's (its score, its would-be verdict at its own threshold, its
 * version, the input's source), from the same processor and so in the same transaction as the serving model's
 * outputs. It fits {@code output.max.bytes} like every output; one that does not (a key near the limit) is not sent,
 * and is logged and counted as a shadow failure: the input record was scored by the serving model and must not be
 * dead-lettered on the shadow's account.
 */
final class ShadowScoring {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowScoring.class);

    private final ModelRegistry shadow;
    private final boolean sendScores;
    private final OutputWriter writer;
    private final KadeMetrics metrics;
    private float[] scores = new float[0];
    private float[] errors = new float[0];
    /** A windowed batch's serving-model scores by row (a per-record batch has them in its {@link ScoredBatch}). */
    private float[] championScores = new float[0];
    /** The shadow that scored the current batch, or null when it did not (empty slot, failure): nothing to send. */
    private ModelMetadata scoredBy;

    ShadowScoring(ShadowSetup setup, KadeMetrics metrics, OutputWriter writer) {
        this.shadow = Objects.requireNonNull(setup, "setup").models();
        this.sendScores = setup.scoresTopic().isPresent();
        this.writer = Objects.requireNonNull(writer, "writer");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Scores the batch's readable rows with the shadow; {@code champion} scored them already. */
    void score(ScoredBatch batch, ModelMetadata champion) {
        scoredBy = null;
        int n = batch.readable();
        if (n == 0) {
            return;
        }
        try (ModelRegistry.Lease lease = shadow.tryAcquire().orElse(null)) {
            if (lease == null) {
                return; // the shadow slot is empty (no candidate written yet): nothing pairs, nothing failed
            }
            ServingModel model = lease.model();
            ModelMetadata meta = model.metadata();
            if (!meta.features().equals(champion.features())) {
                LOG.warn("shadow model {} has features {}, the serving model {} reads {}: batch not shadowed", meta.version(),
                        meta.features(), champion.version(), champion.features());
                metrics.shadowFailed();
                return;
            }
            int width = meta.features().size();
            if (scores.length < n) {
                scores = new float[n];
                errors = new float[n * width];
            } else if (errors.length < n * width) {
                errors = new float[n * width];
            }
            model.scorer().score(batch.features(), n, scores, errors);
            metrics.shadowBatch(batch.scores(), champion.threshold(), scores, meta.threshold(), n);
            scoredBy = meta;
        } catch (RuntimeException e) {
            LOG.warn("shadow model failed on a batch of {}: {}", n, e.toString());
            metrics.shadowFailed();
        }
    }

    /**
     * A windowed batch: scores the windows the serving model just scored ({@code series}, after its score) with the
     * shadow, which must read the same windows (the load check ensures it; a serving model swapped since to other
     * windows is skipped and counted as a failure), and reports both models' scores to the agreement. Windowed
     * batches send no shadow score records.
     */
    void scoreWindows(SeriesScoring series, ModelMetadata champion) {
        scoredBy = null;
        int n = series.rows();
        if (n == 0) {
            return;
        }
        try (ModelRegistry.Lease lease = shadow.tryAcquire().orElse(null)) {
            if (lease == null) {
                return; // an empty shadow slot
            }
            ModelMetadata meta = lease.model().metadata();
            if (!meta.series().equals(champion.series()) || !meta.features().equals(champion.features())) {
                LOG.warn("shadow model {} reads other windows or features than the serving model {}: batch not shadowed",
                        meta.version(), champion.version());
                metrics.shadowFailed();
                return;
            }
            if (scores.length < n) {
                scores = new float[n];
            }
            if (championScores.length < n) {
                championScores = new float[n];
            }
            series.scoreWith(lease.model(), championScores, scores);
            metrics.shadowBatch(championScores, champion.threshold(), scores, meta.threshold(), n);
        } catch (RuntimeException e) {
            LOG.warn("shadow model failed on a windowed batch of {}: {}", n, e.toString());
            metrics.shadowFailed();
        }
    }

    /**
     * Sends the shadow's score record for {@code row} of the batch {@link #score} just scored, keyed and timestamped as
     * {@code input}, when a shadow scores topic is set and the shadow scored this batch; the caller has entered the
     * input's record context. A row the shadow failed on (NaN) gets none.
     */
    void forward(ScoredBatch batch, ScoredBatch.Row row, Record<byte[], byte[]> input, Source source,
                 ProcessorContext<byte[], byte[]> context) {
        ModelMetadata meta = scoredBy;
        if (!sendScores || meta == null) {
            return;
        }
        float score = scores[batch.featureOffset(row) / meta.features().size()];
        if (Float.isNaN(score)) {
            return;
        }
        byte[] value;
        try {
            value = writer.score(new ScoreRecord(score, score >= meta.threshold(), meta, source, null, 0, 0), input.key());
        } catch (OutputTooLargeException e) {
            LOG.warn("shadow score record of {} not sent: {}", source, e.getMessage());
            metrics.shadowFailed();
            return;
        }
        context.forward(new Record<>(input.key(), value, input.timestamp(), new RecordHeaders()),
                ScoringTopology.SHADOW_SCORES_SINK);
    }
}
