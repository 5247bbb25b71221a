package dev.kade.stream;

import dev.kade.features.RecordReader;
import dev.kade.model.ModelMetadata;
import dev.kade.model.Scorer;
import dev.kade.model.ServableModel;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model while it serves: the model, the record reader for its feature list, and a reference
 * count so that the native session behind it is closed only when no stream thread still scores with it.
 *
 * <p>The registry holds one reference while the model is current; each in-flight record holds one more
 * ({@link ModelRegistry#acquire()}). When the registry lets go (on swap or close) and the last record
 * finishes, the model is closed exactly once.
 */
public final class ServingModel {
    private static final Logger LOG = LoggerFactory.getLogger(ServingModel.class);

    private final ServableModel model;
    private final RecordReader reader;
    private final AtomicInteger refs = new AtomicInteger(1);

    ServingModel(ServableModel model) {
        this.model = Objects.requireNonNull(model, "model");
        this.reader = new RecordReader(model.metadata().features());
    }

    public Scorer scorer() {
        return model;
    }

    /** The streaming reader of this model's features (the stream's hot path). */
    public RecordReader reader() {
        return reader;
    }

    public ModelMetadata metadata() {
        return model.metadata();
    }

    /** True once the resource has been closed. */
    boolean retired() {
        return refs.get() <= 0;
    }

    boolean tryRetain() {
        while (true) {
            int n = refs.get();
            if (n <= 0) {
                return false;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void release() {
        int n = refs.decrementAndGet();
        if (n == 0) {
            try {
                model.close();
                LOG.info("closed model {}", metadata().version());
            } catch (Exception e) {
                LOG.warn("failed to close model {}: {}", metadata().version(), e.toString());
            }
        } else if (n < 0) {
            throw new IllegalStateException("model " + metadata().version() + " released more often than retained");
        }
    }
}
