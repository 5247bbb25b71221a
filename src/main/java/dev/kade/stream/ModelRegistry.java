package dev.kade.stream;

import dev.kade.model.ModelFiles;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ServableModel;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the model that serves now and swaps it atomically.
 *
 * <p>Stream threads call {@link #acquire()} per record and close the {@link Lease} when done; the
 * watcher calls {@link #swap} from its own thread. A record is scored wholly by one model, and the model
 * it names in its alert is the one that scored it. The replaced model (its ONNX session) is
 * closed when its last lease is closed, never under a running inference. Thread-safe.
 */
public final class ModelRegistry implements AutoCloseable {
    private final AtomicReference<ServingModel> current;

    /** @param initial the model to serve first; the registry owns it and closes it when it retires */
    public ModelRegistry(ServableModel initial) {
        this.current = new AtomicReference<>(new ServingModel(initial));
    }

    /** A registry serving (and owning) {@code initial}. */
    public static ModelRegistry of(ServableModel initial) {
        return new ModelRegistry(initial);
    }

    /** The model serving now, retained until the lease is closed. */
    public Lease acquire() {
        while (true) {
            ServingModel m = current.get();
            if (m == null) {
                throw new IllegalStateException("the model registry is closed");
            }
            if (m.tryRetain()) {
                return new Lease(m);
            }
            // lost a race with a swap that retired m: read the new current model
        }
    }

    /** Metadata of the model serving now. */
    public ModelMetadata metadata() {
        ServingModel m = current.get();
        if (m == null) {
            throw new IllegalStateException("the model registry is closed");
        }
        return m.metadata();
    }

    /** True while a model serves (until {@link #close()}). */
    public boolean loaded() {
        return current.get() != null;
    }

    /**
     * Makes {@code next} the serving model; the previous one retires once its in-flight records finish.
     *
     * @return the metadata of the model replaced
     */
    public ModelMetadata swap(ServableModel next) {
        Objects.requireNonNull(next, "next");
        ServingModel fresh = new ServingModel(next);
        ServingModel old = current.getAndUpdate(m -> m == null ? null : fresh);
        if (old == null) {
            ModelFiles.closeQuietly(next);
            throw new IllegalStateException("the model registry is closed");
        }
        old.release();
        return old.metadata();
    }

    /** Stops serving; the last model is closed when its in-flight records finish (at once when idle). */
    @Override
    public void close() {
        ServingModel old = current.getAndSet(null);
        if (old != null) {
            old.release();
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
