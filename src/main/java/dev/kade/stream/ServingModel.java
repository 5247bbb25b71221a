package dev.kade.stream;

import dev.kade.features.FeatureExtractor;
import dev.kade.features.RecordReader;
import dev.kade.model.ModelMetadata;
import dev.kade.model.Scorer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model while it serves: the scorer, the feature extractor for its feature list, and a reference
 * count so that the native session behind it is closed only when no stream thread still scores with it.
 *
 * <p>The registry holds one reference while the model is current; each in-flight record holds one more
 * ({@link ModelRegistry#acquire()}). When the registry lets go (on swap or close) and the last record
 * finishes, the resource is closed exactly once.
 */
public final class ServingModel {
    private static final Logger LOG = LoggerFactory.getLogger(ServingModel.class);

    private final Scorer scorer;
    private final FeatureExtractor extractor;
    private final RecordReader reader;
    private final AutoCloseable resource;
    private final AtomicInteger refs = new AtomicInteger(1);

    ServingModel(Scorer scorer, AutoCloseable resource) {
        this.scorer = Objects.requireNonNull(scorer, "scorer");
        this.extractor = new FeatureExtractor(scorer.metadata().features());
        this.reader = new RecordReader(scorer.metadata().features());
        this.resource = resource;
    }

    public Scorer scorer() {
        return scorer;
    }

    public FeatureExtractor extractor() {
        return extractor;
    }

    /** The streaming reader of this model's features (the stream's hot path; same answers as {@link #extractor()}). */
    public RecordReader reader() {
        return reader;
    }

    public ModelMetadata metadata() {
        return scorer.metadata();
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
        if (n == 0 && resource != null) {
            try {
                resource.close();
                LOG.info("closed model {}", metadata().version());
            } catch (Exception e) {
                LOG.warn("failed to close model {}: {}", metadata().version(), e.toString());
            }
        } else if (n < 0) {
            throw new IllegalStateException("model " + metadata().version() + " released more often than retained");
        }
    }
}
