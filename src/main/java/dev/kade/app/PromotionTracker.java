package dev.kade.app;

import dev.kade.metrics.KadeMetrics;
import dev.kade.metrics.PromotionMeters.Action;
import dev.kade.model.ModelMetadata;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a promotion and a rollback apart from any other hot reload of the serving model, logs and counts them
 * ({@code kade_model_promotions_total{action}}). {@code kade promote} and {@code kade rollback} only replace the model
 * file; the swap itself is the ordinary hot reload ({@link ModelWatcher}, reference-counted {@code ModelRegistry}), so
 * no record is scored twice or skipped. Here, a model that starts to serve is a <em>promotion</em> when its version is
 * the shadow's, a <em>rollback</em> when it is the version the serving model replaced last; any other is a plain reload
 * and is not counted. Called on the watcher's one thread.
 */
final class PromotionTracker implements ModelWatcher.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(PromotionTracker.class);

    private final ModelWatcher.Listener delegate;
    private final KadeMetrics metrics;
    private final Supplier<Optional<String>> shadowVersion;
    private String current;
    private String previous;

    /**
     * @param delegate      what a reload reports anyway (the serving model's meters)
     * @param serving       the model serving at start
     * @param shadowVersion the shadow model's version now, empty without a shadow
     */
    PromotionTracker(ModelWatcher.Listener delegate, KadeMetrics metrics, ModelMetadata serving,
                     Supplier<Optional<String>> shadowVersion) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.shadowVersion = Objects.requireNonNull(shadowVersion, "shadowVersion");
        this.current = serving.version();
    }

    @Override
    public void served(ModelMetadata metadata, Instant at) {
        delegate.served(metadata, at);
        String version = metadata.version();
        Optional<Action> action = classify(version);
        action.ifPresent(a -> {
            metrics.modelPromoted(a);
            LOG.info("model {}: version {} now serves in place of {}", a == Action.PROMOTE ? "PROMOTED from shadow"
                    : "ROLLED BACK", version, current);
        });
        if (!version.equals(current)) { // a re-release of the same version keeps the rollback target
            previous = current;
            current = version;
        }
    }

    /** What serving {@code version} now is, given what served and the shadow. */
    Optional<Action> classify(String version) {
        if (version.equals(current)) {
            return Optional.empty(); // the same version again: a re-export or a touched file
        }
        if (shadowVersion.get().filter(version::equals).isPresent()) {
            return Optional.of(Action.PROMOTE);
        }
        if (version.equals(previous)) {
            return Optional.of(Action.ROLLBACK);
        }
        return Optional.empty();
    }

    @Override
    public void refused() {
        delegate.refused();
    }
}
