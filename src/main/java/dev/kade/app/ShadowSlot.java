package dev.kade.app;

import dev.kade.config.ConfigException;
import dev.kade.config.KadeConfig;
import dev.kade.config.LifecycleKeys;
import dev.kade.drift.ShadowAgreement;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.InvalidModelException;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelFiles;
import dev.kade.model.ModelMetadata;
import dev.kade.onnx.OnnxModel;
import dev.kade.stream.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shadow (challenger) model of a running scorer ({@code model.shadow.path}): loaded at start by the same policy
 * as the serving model ({@link ModelLoader}: size limit, self-check against its probe, fingerprint pin) and held to
 * what a hot reload of the serving model must pass ({@link ModelContract#verifyReplacement} against the serving model:
 * same features, and it does not call the serving model's probe rows anomalous), so a model that lies about itself or
 * would page on normal data is refused here as it would be there. Watched and hot-reloaded like the serving model, with
 * its own registry (reference-counted swap) and meters. A bad shadow at start stops kade naming the setting; a bad one
 * on reload is refused and the previous shadow goes on.
 *
 * <p>An absent file is an empty slot, a normal state (the retrain CronJob writes the first candidate after kade
 * started): kade starts without a shadow ({@code kade_shadow_loaded 0}, logged once at INFO), nothing pairs, and the
 * watcher loads the file when it appears, held to the same checks. A shadow file deleted later is taken for one being
 * replaced: the last shadow loaded goes on (to stop shadowing, unset {@code model.shadow.path} and restart).
 */
final class ShadowSlot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowSlot.class);

    private final ModelRegistry registry;
    private final ModelWatcher watcher;

    private ShadowSlot(ModelRegistry registry, ModelWatcher watcher) {
        this.registry = registry;
        this.watcher = watcher;
    }

    /**
     * The shadow {@code config} names, loaded (or an empty slot when the file does not exist yet), registered with
     * {@code metrics} and watched; empty when none is set.
     */
    static Optional<ShadowSlot> open(KadeConfig config, ModelRegistry serving, KadeMetrics metrics) {
        String setting = config.string(LifecycleKeys.MODEL_SHADOW_PATH);
        if (setting.isEmpty()) {
            return Optional.empty();
        }
        Path path = Path.of(setting);
        metrics.attachShadow(new ShadowAgreement(config.integer(LifecycleKeys.DRIFT_WINDOW_RECORDS)));
        if (!Files.exists(path)) {
            // a normal state: the retrain CronJob has not written its first candidate yet
            LOG.info("shadow slot {} ({}) is empty: kade scores without a shadow and loads one when the file appears",
                    path, LifecycleKeys.MODEL_SHADOW_PATH);
            return Optional.of(watch(config, path, serving, metrics, ModelRegistry.empty()));
        }
        OnnxModel model;
        try {
            model = load(config, path, serving);
        } catch (InvalidModelException e) {
            metrics.shadowLoadFailed();
            throw new ConfigException(LifecycleKeys.MODEL_SHADOW_PATH, "cannot shadow with '" + path + "': " + e.getMessage());
        }
        ModelMetadata meta = model.metadata();
        metrics.shadowServing(meta, Clock.systemUTC().instant());
        LOG.info("shadow model {} ({}, threshold {}, sha256 {}) scores beside {}; it sends nothing", meta.version(),
                meta.kind().label(), meta.threshold(), model.sha256(), serving.metadata().version());
        return Optional.of(watch(config, path, serving, metrics, ModelRegistry.of(model)));
    }

    /** Watches {@code path} for {@code registry} (loaded, or empty until the file appears). */
    private static ShadowSlot watch(KadeConfig config, Path path, ModelRegistry serving, KadeMetrics metrics,
                                    ModelRegistry registry) {
        ModelWatcher watcher;
        try {
            watcher = new ModelWatcher(path, registry, ModelWatcher.Listener.shadow(metrics), p -> load(config, p, serving),
                    Clock.systemUTC(), config.modelMaxBytes()).start(config.modelPollInterval());
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        return new ShadowSlot(registry, watcher);
    }

    /** Loads a shadow file as the serving model's loader does, and checks it could replace the serving model. */
    static OnnxModel load(KadeConfig config, Path path, ModelRegistry serving) {
        OnnxModel m = ModelLoader.load(config, path);
        try {
            checkSameWindows(serving.metadata(), m.metadata());
            ModelContract.verifyReplacement(serving.metadata(), m);
        } catch (RuntimeException e) {
            ModelFiles.closeQuietly(m);
            throw e;
        }
        return m;
    }

    /**
     * A shadow scores the very rows the serving model scored: for windowed models (dev.kade.series) the same per-entity
     * windows, so both must be per-record, or both windowed with the same window, features per step and normalisation.
     */
    static void checkSameWindows(ModelMetadata serving, ModelMetadata shadow) {
        if (!shadow.series().equals(serving.series())) {
            throw new InvalidModelException("a shadow must score the serving model's rows: it is " + describe(shadow)
                    + ", the serving model " + describe(serving) + " (the shadow reads the windows the serving model's "
                    + "entities keep, so both must be per-record or both windowed alike)");
        }
    }

    private static String describe(ModelMetadata m) {
        // the series spec is printed whole: app reads model metadata, not the series package (PackageRules)
        return m.series().isEmpty() ? "a per-record model"
                : "windowed (window " + m.window() + ", " + String.valueOf(m.series().get()) + ")";
    }

    /** The shadow's registry, for the topology. */
    ModelRegistry registry() {
        return registry;
    }

    /** The shadow's file watcher (tests check it now instead of waiting for a poll). */
    ModelWatcher watcher() {
        return watcher;
    }

    @Override
    public void close() {
        watcher.close();
        registry.close();
    }

    @Override
    public String toString() {
        return "shadow " + (registry.loaded() ? registry.metadata().version() : "(empty or closed)");
    }
}
