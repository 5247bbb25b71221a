package dev.kade.model;

/**
 * A model that can serve: a {@link Scorer} that owns what it scores with (for an ONNX model, a native
 * session and buffers) and releases it on {@link #close()}. Whoever holds one owns it: the serving registry
 * closes a model when it retires and no record is still scored with it.
 */
public interface ServableModel extends Scorer, AutoCloseable {
    /** Releases what the model scores with; it must not be used after. Does not throw checked exceptions. */
    @Override
    void close();

    /**
     * A model over {@code scorer} that owns nothing (a scorer in plain Java, as tests and benchmarks use):
     * closing it does nothing, and the caller keeps whatever {@code scorer} holds.
     */
    static ServableModel unowned(Scorer scorer) {
        return new UnownedModel(scorer);
    }
}
