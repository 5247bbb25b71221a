package dev.kade.stream;

import dev.kade.model.ModelFiles;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ServableModel;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the model that serves now and swaps it atomically.
 *
 * <p>Stream threads call {@link #acquire()} per record and close the {@link Lease} when done; the
 * watcher calls {@link #swap} from its own thread. A record is scored wholly by one model, and the model
 * it names in its alert is the one that scored it. The replaced model (its ONNX session) is
 * closed when its last lease is closed, never under a running inference. Thread-safe.
 *
 * <p>A registry may start {@linkplain #empty() empty}: the shadow slot ({@code model.shadow.path}) is empty until the
 * first retrain writes a candidate, a normal state rather than an error. An empty registry serves nothing
 * ({@link #tryAcquire()} is empty, {@link #loaded()} false) until {@link #replace} fills it.
 */
public final class ModelRegistry implements AutoCloseable {
    /** The model in the slot, or none; the registry itself is {@code null} once closed. */
    private record Slot(ServingModel model) {
    }

    private static final Slot EMPTY = new Slot(null);

    private final AtomicReference<Slot> current;

    /** @param initial the model to serve first; the registry owns it and closes it when it retires */
    public ModelRegistry(ServableModel initial) {
        this.current = new AtomicReference<>(new Slot(new ServingModel(initial)));
    }

    private ModelRegistry() {
        this.current = new AtomicReference<>(EMPTY);
    }

    /** A registry serving (and owning) {@code initial}. */
    public static ModelRegistry of(ServableModel initial) {
        return new ModelRegistry(initial);
    }

    /** A registry with no model yet (an empty shadow slot); {@link #replace} fills it. */
    public static ModelRegistry empty() {
        return new ModelRegistry();
    }

    /** The model serving now, retained until the lease is closed; throws when the registry is empty or closed. */
    public Lease acquire() {
        Lease lease = retain();
        if (lease == null) {
            throw new IllegalStateException("the model registry holds no model yet");
        }
        return lease;
    }

    /** The model serving now, retained until the lease is closed; empty while the registry holds none. */
    public Optional<Lease> tryAcquire() {
        return Optional.ofNullable(retain());
    }

    /** A lease on the model serving now, null while there is none (no allocation beyond the lease: per record). */
    private Lease retain() {
        while (true) {
            ServingModel m = open().model();
            if (m == null) {
                return null;
            }
            if (m.tryRetain()) {
                return new Lease(m);
            }
            // lost a race with a swap that retired m: read the new current model
        }
    }

    private Slot open() {
        Slot s = current.get();
        if (s == null) {
            throw new IllegalStateException("the model registry is closed");
        }
        return s;
    }

    /** Metadata of the model serving now; throws when the registry is empty or closed. */
    public ModelMetadata metadata() {
        ServingModel m = open().model();
        if (m == null) {
            throw new IllegalStateException("the model registry holds no model yet");
        }
        return m.metadata();
    }

    /** True while a model serves: from the first model until {@link #close()}; false while empty. */
    public boolean loaded() {
        Slot s = current.get();
        return s != null && s.model() != null;
    }

    /**
     * Makes {@code next} the serving model; the previous one retires once its in-flight records finish.
     *
     * @return the metadata of the model replaced
     * @throws IllegalStateException when the registry is empty (use {@link #replace}) or closed; {@code next} is closed
     */
    public ModelMetadata swap(ServableModel next) {
        Objects.requireNonNull(next, "next");
        Slot fresh = new Slot(new ServingModel(next));
        Slot old = current.getAndUpdate(s -> s == null || s.model() == null ? s : fresh);
        if (old == null || old.model() == null) {
            ModelFiles.closeQuietly(next);
            throw new IllegalStateException(old == null ? "the model registry is closed" : "the model registry holds no model yet");
        }
        old.model().release();
        return old.model().metadata();
    }

    /**
     * Makes {@code next} the serving model, in an empty registry too; the previous one, if any, retires once its
     * in-flight records finish.
     *
     * @return the metadata of the model replaced, empty when the registry held none
     * @throws IllegalStateException when the registry is closed; {@code next} is closed
     */
    public Optional<ModelMetadata> replace(ServableModel next) {
        Objects.requireNonNull(next, "next");
        Slot fresh = new Slot(new ServingModel(next));
        Slot old = current.getAndUpdate(s -> s == null ? null : fresh);
        if (old == null) {
            ModelFiles.closeQuietly(next);
            throw new IllegalStateException("the model registry is closed");
        }
        if (old.model() == null) {
            return Optional.empty();
        }
        old.model().release();
        return Optional.of(old.model().metadata());
    }

    /** Stops serving; the last model is closed when its in-flight records finish (at once when idle). */
    @Override
    public void close() {
        Slot old = current.getAndSet(null);
        if (old != null && old.model() != null) {
            old.model().release();
        }
    }

    /** One record's hold on a model. Close exactly once. Not thread-safe; use on one thread. */
    public static final class Lease implements AutoCloseable {
        private ServingModel model;

        private Lease(ServingModel model) {
            this.model = model;
        }

        public ServingModel model() {
            if (model == null) {
                throw new IllegalStateException("lease already closed");
            }
            return model;
        }

        @Override
        public void close() {
            if (model != null) {
                model.release();
                model = null;
            }
        }
    }
}
