package dev.kade.stream;

import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ModelMetadata;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores a batch a second time with the shadow (challenger) model, after the serving model and on the same feature
 * rows, and reports both models' scores to {@link KadeMetrics#shadowBatch}: nothing the shadow computes is forwarded,
 * so it can neither raise an alert nor change what the serving model sends. One per processor (task), on its thread;
 * its arrays are reused from batch to batch.
 *
 * <p>A shadow failure never fails the batch: it is logged, counted ({@code kade_shadow_failures_total}) and the batch
 * goes on. An empty shadow slot (no file yet) skips the batch silently: an empty slot is a normal state, not a failure.
 * The shadow is held by a lease of its own registry for the call, so its hot reload never closes a session
 * under a running inference. It reads the serving model's feature rows, so it must have the same features (the load
 * check ensures it; a batch of a serving model swapped to other features is skipped and counted as a failure).
 */
final class ShadowScoring {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowScoring.class);

    private final ModelRegistry shadow;
    private final KadeMetrics metrics;
    private float[] scores = new float[0];
    private float[] errors = new float[0];

    ShadowScoring(ModelRegistry shadow, KadeMetrics metrics) {
        this.shadow = Objects.requireNonNull(shadow, "shadow");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Scores the batch's readable rows with the shadow; {@code champion} scored them already. */
    void score(ScoredBatch batch, ModelMetadata champion) {
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
        } catch (RuntimeException e) {
            LOG.warn("shadow model failed on a batch of {}: {}", n, e.toString());
            metrics.shadowFailed();
        }
    }
}
