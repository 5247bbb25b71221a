package dev.kade.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.model.InvalidModelException;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelFiles;
import dev.kade.model.ModelMetadata;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model's decoder graph ({@code MODEL.decoder.onnx}, written by {@code dev.kade.export.OnnxExporter.exportDecoder}) served
 * through ONNX Runtime: latent codes {@code z} [n, L] in, raw feature rows [n, F] out.
 *
 * <p>Loading checks that the file is a decoder graph ({@code kade.graph=decoder}) of this very model: the
 * same features in the same order and the same {@code kade.model_version}, so a decoder left beside a newer
 * model is refused rather than decoded into records of another model. Owns one {@link OrtSession};
 * {@link #decode} is thread-safe, {@link #close} must not race with it.
 */
public final class OnnxDecoder implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OrtEnvironment env;
    private final OrtSession session;
    private final int latentWidth;
    private final int width;
    private final float[] sigma;

    private OnnxDecoder(OrtEnvironment env, OrtSession session, int latentWidth, int width, float[] sigma) {
        this.env = env;
        this.session = session;
        this.latentWidth = latentWidth;
        this.width = width;
        this.sigma = sigma;
    }

    /**
     * Loads {@code file} as the decoder of the model described by {@code model}.
     *
     * @throws InvalidModelException when the file is missing, not a decoder graph, or another model's
     */
    public static OnnxDecoder load(Path file, ModelMetadata model) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(model, "model");
        if (!Files.isRegularFile(file)) {
            throw new InvalidModelException("no decoder graph " + file + " beside the model (kade train writes one for a VAE "
                    + "or an ensemble with a VAE member)");
        }
        byte[] bytes = ModelFiles.readBounded(file, "decoder graph", ModelFiles.DEFAULT_MAX_BYTES);
        OrtEnvironment env = OnnxRuntime.environment();
        OrtSession session = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            session = env.createSession(bytes, options);
            Map<String, String> meta = session.getMetadata().getCustomMetadata();
            if (!"decoder".equals(meta.get(ModelContract.KEY_GRAPH))) {
                throw new InvalidModelException(file + " is not a kade decoder graph (" + ModelContract.KEY_GRAPH + "="
                        + meta.get(ModelContract.KEY_GRAPH) + ")");
            }
            List<String> features = List.of(JSON.readValue(meta.getOrDefault(ModelContract.KEY_FEATURES, "[]"), String[].class));
            if (!features.equals(model.features()) || !model.version().equals(meta.get(ModelContract.KEY_MODEL_VERSION))) {
                throw new InvalidModelException("decoder " + file + " belongs to model " + meta.get(ModelContract.KEY_MODEL_VERSION)
                        + " with features " + features + ", not to model " + model.version() + " with " + model.features()
                        + "; re-export both with kade train");
            }
            NodeInfo in = session.getInputInfo().get(ModelContract.DECODER_INPUT);
            if (in == null || !(in.getInfo() instanceof TensorInfo t) || t.getShape().length != 2 || t.getShape()[1] < 1
                    || !session.getOutputInfo().containsKey(ModelContract.INPUT)) {
                throw new InvalidModelException("decoder " + file + " does not read '" + ModelContract.DECODER_INPUT
                        + "' [N,L] and write '" + ModelContract.INPUT + "' [N,F]");
            }
            float[] sigma = JSON.readValue(meta.getOrDefault(ModelContract.KEY_DECODER_SIGMA, "[]"), float[].class);
            if (sigma.length != features.size()) {
                throw new InvalidModelException("decoder " + file + ": " + ModelContract.KEY_DECODER_SIGMA + " has " + sigma.length
                        + " values for " + features.size() + " features");
            }
            for (float v : sigma) {
                if (!(v > 0) || !Float.isFinite(v)) {
                    throw new InvalidModelException("decoder " + file + ": " + ModelContract.KEY_DECODER_SIGMA + " must be positive");
                }
            }
            return new OnnxDecoder(env, session, (int) t.getShape()[1], features.size(), sigma);
        } catch (OrtException e) {
            ModelFiles.closeQuietly(session);
            throw new InvalidModelException("ONNX Runtime refused decoder " + file + ": " + e.getMessage(), e);
        } catch (JsonProcessingException e) {
            ModelFiles.closeQuietly(session);
            throw new InvalidModelException("decoder " + file + ": " + ModelContract.KEY_FEATURES + " or "
                    + ModelContract.KEY_DECODER_SIGMA + " is not a JSON array", e);
        } catch (RuntimeException e) {
            ModelFiles.closeQuietly(session);
            throw e;
        }
    }

    /** Per-feature standard deviation of p(x|z), raw units ({@value ModelContract#KEY_DECODER_SIGMA}). */
    public float[] sigma() {
        return sigma.clone();
    }

    /** Width L of a code. */
    public int latentWidth() {
        return latentWidth;
    }

    /** Decodes codes {@code z} [n, L] into raw feature rows [n, F]. */
    public float[][] decode(float[][] z) {
        int n = z.length;
        FloatBuffer in = FloatBuffer.allocate(n * latentWidth);
        for (float[] code : z) {
            if (code.length != latentWidth) {
                throw new IllegalArgumentException("code has " + code.length + " values, the decoder reads " + latentWidth);
            }
            in.put(code);
        }
        in.rewind();
        try (OnnxTensor t = OnnxTensor.createTensor(env, in, new long[] {n, latentWidth});
             OrtSession.Result r = session.run(Map.of(ModelContract.DECODER_INPUT, t))) {
            float[][] out = (float[][]) r.get(ModelContract.INPUT).orElseThrow().getValue();
            if (out.length != n || (n > 0 && out[0].length != width)) {
                throw new IllegalStateException("decoder gave " + out.length + " rows of " + (n > 0 ? out[0].length : 0)
                        + " values for " + n + " codes of a model with " + width + " features");
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to decode: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("failed to close the decoder session", e);
        }
    }
}
