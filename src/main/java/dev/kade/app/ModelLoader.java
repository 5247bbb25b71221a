package dev.kade.app;

import dev.kade.config.KadeConfig;
import dev.kade.model.InvalidModelException;
import dev.kade.model.ModelContract;
import dev.kade.onnx.OnnxModel;
import java.nio.file.Path;

/**
 * kade's model-load policy, the same at start-up and on hot reload: what the settings demand of a model
 * file beyond the model contract itself. A model that fails it is refused: at start naming the setting,
 * on reload with the old model serving on.
 */
public final class ModelLoader {
    private ModelLoader() {
    }

    /**
     * Loads a model as start-up and hot reload both do: at most {@code model.max.bytes}, verified against
     * its probe ({@link OnnxModel#load}), carrying the training fingerprint {@code model.require.fingerprint}
     * pins, when it pins one, and the latent output {@code scores.include.latent} needs, when it is on.
     */
    public static OnnxModel load(KadeConfig config, Path path) {
        OnnxModel m = OnnxModel.load(path, config.modelMaxBytes());
        try {
            config.modelRequiredFingerprint().ifPresent(
                    f -> ModelContract.requireFingerprint(m.metadata(), f, KadeConfig.MODEL_REQUIRE_FINGERPRINT));
            if (config.scoresIncludeLatent() && m.latentWidth() == 0) {
                throw new LacksLatent("model " + path + " (" + m.metadata().version() + ") has no '" + ModelContract.OUTPUT_LATENT
                        + "' output to put on the scores topic; export it with this kade, or set "
                        + KadeConfig.SCORES_INCLUDE_LATENT + "=false");
            }
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    /** A model without the latent output while {@code scores.include.latent} is on: refused at start (naming that setting) and on reload. */
    static final class LacksLatent extends InvalidModelException {
        LacksLatent(String message) {
            super(message);
        }
    }
}
