package dev.kade.model;

/**
 * Scores rows of raw feature values, in the order {@link ModelMetadata#features()} names them.
 *
 * <p>The stream topology depends on this interface only, so it can be tested without ONNX Runtime.
 * Implementations must be safe to call from several stream threads at once.
 */
public interface Scorer {
    /** Scores a batch; every row has {@code metadata().features().size()} values. */
    Scores score(float[][] rows);

    /** The model's self-description: features, kind, threshold, score distribution, version. */
    ModelMetadata metadata();
}
