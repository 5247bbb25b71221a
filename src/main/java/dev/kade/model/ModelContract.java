package dev.kade.model;

/**
 * The names every kade model is held to; the README's "Model contract" section documents the same.
 *
 * <p>Input {@value #INPUT} float32 [N,F] of raw feature values (normalisation lives inside the graph);
 * outputs {@value #OUTPUT_SCORE} float32 [N] and {@value #OUTPUT_FEATURE_ERRORS} float32 [N,F]. The
 * metadata keys below describe the model; {@link ModelMetadata} reads and writes them.
 */
public final class ModelContract {
    /** Version of this contract, written into every exported model. */
    public static final int CONTRACT_VERSION = 1;

    public static final String INPUT = "features";
    public static final String OUTPUT_SCORE = "score";
    public static final String OUTPUT_FEATURE_ERRORS = "feature_errors";

    public static final String KEY_CONTRACT_VERSION = "kade.contract_version";
    public static final String KEY_FEATURES = "kade.features";
    public static final String KEY_KIND = "kade.kind";
    public static final String KEY_THRESHOLD = "kade.threshold";
    public static final String KEY_SCORE_QUANTILES = "kade.score_quantiles";
    public static final String KEY_FINGERPRINT = "kade.training_fingerprint";
    public static final String KEY_CREATED_AT = "kade.created_at";
    public static final String KEY_MODEL_VERSION = "kade.model_version";
    /** Optional, for {@link ModelKind#RECONSTRUCTION} models: per-feature scale (e.g. training std) to divide errors by. */
    public static final String KEY_FEATURE_SCALES = "kade.feature_scales";

    /** Suffix of the sidecar JSON file that carries metadata for a foreign model: {@code model.onnx.kade.json}. */
    public static final String SIDECAR_SUFFIX = ".kade.json";

    private ModelContract() {
    }
}
