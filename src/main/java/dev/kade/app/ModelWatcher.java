package dev.kade.app;

import dev.kade.metrics.KadeMetrics;
import dev.kade.model.InvalidModelException;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelFiles;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ServableModel;
import dev.kade.stream.ModelRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the model file (and its sidecar {@code MODEL.onnx.kade.json}, if any) and hot-swaps the
 * serving model when it changes: on its own thread, never on a stream thread.
 *
 * <p>Each poll compares modification time and size of both files (following symlinks, so a Kubernetes
 * ConfigMap's {@code ..data} swap counts); when they differ, it refuses a file over {@code model.max.bytes}
 * without reading it, otherwise hashes the bytes (streamed) and, when the content is new, loads the model
 * (the loader verifies it: {@link ModelContract#verify}) and checks that it may replace the serving one
 * ({@link ModelContract#verifyReplacement}: same features, and it does not call the serving model's probe
 * rows anomalous). A model that passes is swapped in atomically; one that fails is refused, logged and
 * counted ({@code kade_model_loads_total{result="failure"}}) and the old model keeps serving. A refused
 * file is not retried until it changes again.
 *
 * <p>The registry may start empty (the shadow slot before its first candidate, {@link ModelRegistry#empty()}): the
 * first file that appears and loads fills it, one that does not load is refused and counted as on any reload. A
 * model file that disappears later is treated as mid-replacement: the last model loaded keeps serving (so a shadow,
 * once loaded, stays until a new file replaces it or kade restarts without {@code model.shadow.path}).
 *
 * <p>The scheduled check catches every {@link Throwable}, an {@link OutOfMemoryError} included: a
 * scheduled task that throws is never run again, and a watcher that dies silently never loads the next
 * good model. Such a failure is logged, counted like a refusal, and the next poll runs as usual.
 */
public final class ModelWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelWatcher.class);

    /** What a check did. */
    public enum Outcome { UNCHANGED, SWAPPED, REFUSED }

    /**
     * What the watcher reports: the serving model's watcher reports to {@link KadeMetrics#modelServing} and
     * {@link KadeMetrics#modelLoadFailed}, the shadow model's to the shadow's meters ({@link #shadow}).
     */
    public interface Listener {
        void served(ModelMetadata metadata, java.time.Instant at);

        void refused();

        /** The serving model's meters. */
        static Listener serving(KadeMetrics metrics) {
            Objects.requireNonNull(metrics, "metrics");
            return of(metrics::modelServing, metrics::modelLoadFailed);
        }

        /** The shadow model's meters. */
        static Listener shadow(KadeMetrics metrics) {
            Objects.requireNonNull(metrics, "metrics");
            return of(metrics::shadowServing, metrics::shadowLoadFailed);
        }

        /** A listener that does {@code served} with each model that starts to serve and {@code refused} on each refusal. */
        static Listener of(java.util.function.BiConsumer<ModelMetadata, java.time.Instant> served, Runnable refused) {
            return new Actions(served, refused);
        }

        /** The slots differ only in which meters they feed: one class for both, rather than an anonymous one each. */
        record Actions(java.util.function.BiConsumer<ModelMetadata, java.time.Instant> onServed, Runnable onRefused)
                implements Listener {
            public Actions {
                Objects.requireNonNull(onServed, "onServed");
                Objects.requireNonNull(onRefused, "onRefused");
            }

            @Override
            public void served(ModelMetadata metadata, java.time.Instant at) {
                onServed.accept(metadata, at);
            }

            @Override
            public void refused() {
                onRefused.run();
            }
        }
    }

    private final Path path;
    private final Path sidecar;
    private final ModelRegistry registry;
    private final Listener metrics;
    private final Function<Path, ServableModel> loader;
    private final Clock clock;
    private final long maxBytes;
    private volatile ScheduledExecutorService executor;
    private volatile String lastRefusal;
    private String observed;
    private String digest;

    /**
     * @param path     the model file
     * @param registry where the serving model lives
     * @param metrics  counts loads and publishes the serving model
     * @param loader   loads and validates a model file, throwing {@link InvalidModelException} when it cannot
     */
    public ModelWatcher(Path path, ModelRegistry registry, KadeMetrics metrics, Function<Path, ServableModel> loader, Clock clock) {
        this(path, registry, metrics, loader, clock, ModelFiles.DEFAULT_MAX_BYTES);
    }

    /**
     * @param maxBytes a model file or sidecar larger than this is refused without being read or hashed
     *                 (the loader enforces the same limit on what it reads)
     */
    public ModelWatcher(Path path, ModelRegistry registry, KadeMetrics metrics, Function<Path, ServableModel> loader, Clock clock,
                        long maxBytes) {
        this(path, registry, Listener.serving(metrics), loader, clock, maxBytes);
    }

    /** A watcher that reports to {@code listener} (the shadow model's watcher: {@link Listener#shadow}). */
    public ModelWatcher(Path path, ModelRegistry registry, Listener listener, Function<Path, ServableModel> loader, Clock clock,
                        long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.path = Objects.requireNonNull(path, "path");
        this.sidecar = ModelFiles.sidecar(path);
        this.registry = Objects.requireNonNull(registry, "registry");
        this.metrics = Objects.requireNonNull(listener, "listener");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.observed = observe();
        this.digest = digest();
    }

    /** Polls every {@code interval} on a daemon thread named {@code kade-model-watcher}. */
    public synchronized ModelWatcher start(Duration interval) {
        if (executor != null) {
            throw new IllegalStateException("already started");
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kade-model-watcher");
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        executor.scheduleWithFixedDelay(this::checkSafely, ms, ms, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Checks the file once, now (the scheduled poll calls this; tests call it directly). */
    public synchronized Outcome checkNow() {
        String now = observe();
        if (now.equals(observed)) {
            return Outcome.UNCHANGED;
        }
        if (!Files.isRegularFile(path)) {
            // mid-replacement (or deleted): keep serving, look again at the next poll
            if (registry.loaded()) {
                LOG.warn("model file {} is missing; model {} keeps serving", path, servingVersion());
            } else {
                LOG.debug("model file {} is not there yet (its sidecar changed); the slot stays empty", path);
            }
            return Outcome.UNCHANGED;
        }
        observed = now;
        String oversize = oversize();
        if (oversize != null) {
            digest = "oversize|" + now; // a later file, even the old content again, is looked at afresh
            return refuse(oversize, null);
        }
        String content = digest();
        if (content.equals(digest)) {
            return Outcome.UNCHANGED; // touched, not changed
        }
        digest = content;
        return load();
    }

    private Outcome load() {
        ServableModel next;
        try {
            next = loader.apply(path);
        } catch (RuntimeException e) {
            return refuse("it does not load: " + e.getMessage(), e);
        }
        ModelMetadata fresh = next.metadata();
        if (registry.loaded()) {
            // an empty registry (an empty shadow slot) has no model to compare with: the loader holds the file to
            // what it must pass (the shadow's checks it against the serving model)
            try {
                ModelContract.verifyReplacement(registry.metadata(), next);
            } catch (RuntimeException e) {
                ModelFiles.closeQuietly(next);
                return refuse(e.getMessage(), e);
            }
        }
        Optional<ModelMetadata> old = registry.replace(next);
        metrics.served(fresh, clock.instant());
        lastRefusal = null;
        LOG.info("model reloaded from {}: version {} ({}, threshold {}) replaces {}", path, fresh.version(),
                fresh.kind().label(), fresh.threshold(), old.map(ModelMetadata::version).orElse("(none: the slot was empty)"));
        if (fresh.probe().isEmpty()) {
            LOG.warn("model {} carries no probe ({}): its scores and quantiles were not verified at load "
                    + "(kade_model_verified 0); re-export it with this kade", fresh.version(), ModelContract.KEY_PROBE);
        }
        return Outcome.SWAPPED;
    }

    private Outcome refuse(String why, Throwable cause) {
        lastRefusal = why;
        metrics.refused();
        LOG.error("refused new model file {}: {}; model {} keeps serving", path, why, servingVersion());
        if (cause != null && !(cause instanceof InvalidModelException)) {
            LOG.debug("cause", cause);
        }
        return Outcome.REFUSED;
    }

    /** Why the last changed file was refused, until a model is swapped in; empty when none was. */
    public Optional<String> lastRefusal() {
        return Optional.ofNullable(lastRefusal);
    }

    /** The scheduled poll: never lets a Throwable escape, which would end the schedule for good. */
    void checkSafely() {
        try {
            checkNow();
        } catch (Throwable t) {
            try {
                lastRefusal = "model check failed: " + t;
                metrics.refused();
                LOG.error("model check of {} failed; model {} keeps serving; will look again at the next poll", path,
                        servingVersion(), t);
            } catch (Throwable secondary) {
                // logging itself failed (e.g. still out of memory): stay alive for the next poll
            }
        }
    }

    /** The version serving now, for logs; "(none)" while the registry is empty (an empty shadow slot) or closed. */
    private String servingVersion() {
        try {
            return registry.loaded() ? registry.metadata().version() : "(none)";
        } catch (IllegalStateException closedMeanwhile) {
            return "(none)";
        }
    }

    /** Why the model file or sidecar is too large to read, or null when both are within the limit. */
    private String oversize() {
        return ModelFiles.oversize(path, "model file", maxBytes)
                .or(() -> ModelFiles.oversize(sidecar, "sidecar", maxBytes)).orElse(null);
    }

    private String observe() {
        return stat(path) + "|" + stat(sidecar);
    }

    private static String stat(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return a.lastModifiedTime().toMillis() + ":" + a.size() + ":" + a.fileKey();
        } catch (NoSuchFileException e) {
            return "absent";
        } catch (IOException e) {
            return "unreadable:" + e.getMessage();
        }
    }

    private String digest() {
        try {
            MessageDigest md = ModelFiles.newSha256();
            byte[] buffer = new byte[64 * 1024];
            for (Path p : new Path[] {path, sidecar}) {
                boolean present = Files.isRegularFile(p);
                md.update((byte) (present ? 1 : 0)); // an empty file is not the same content as no file
                if (present) {
                    // streamed: the file's size is checked, but it may grow between the check and the read
                    try (InputStream in = Files.newInputStream(p)) {
                        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                            md.update(buffer, 0, n);
                        }
                    }
                }
                md.update((byte) 0);
            }
            return ModelFiles.hex(md.digest());
        } catch (IOException e) {
            return "unreadable:" + e.getMessage();
        }
    }

    /** Stops polling (waits for a check in progress). */
    @Override
    public void close() {
        ScheduledExecutorService e = executor;
        if (e != null) {
            e.shutdown();
            try {
                e.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
