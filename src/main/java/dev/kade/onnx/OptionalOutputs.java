package dev.kade.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The optional outputs a model may have beside its scores (the reconstruction, the latent code), fetched on
 * request for tools and reports. Not a hot path: it allocates its tensors per call, and the scoring path
 * never asks ONNX Runtime for these outputs (except the latent code, through {@link PinnedBuffers}).
 */
final class OptionalOutputs {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelSignature signature;

    OptionalOutputs(OrtEnvironment env, OrtSession session, ModelSignature signature) {
        this.env = env;
        this.session = session;
        this.signature = signature;
    }

    /** Runs {@code rows} asking ONNX Runtime for the one output {@code name}, {@code w} values per row. */
    float[][] fetch(float[][] rows, String name, int w) {
        Objects.requireNonNull(rows, "rows");
        int width = signature.width();
        int n = rows.length;
        float[][] out = new float[n][];
        int step = signature.fixedBatch() == 1 ? 1 : Math.max(1, n);
        for (int first = 0; first < n; first += step) {
            int m = Math.min(step, n - first);
            FloatBuffer in = FloatBuffer.allocate(m * width);
            for (int i = 0; i < m; i++) {
                if (rows[first + i].length != width) {
                    throw new IllegalArgumentException("row has " + rows[first + i].length + " values, model expects " + width);
                }
                in.put(rows[first + i]);
            }
            in.rewind();
            try (OnnxTensor t = OnnxTensor.createTensor(env, in, new long[] {m, width});
                 OrtSession.Result r = session.run(Map.of(signature.inputName(), t), Set.of(name))) {
                float[][] values = (float[][]) r.get(0).getValue();
                for (int i = 0; i < m; i++) {
                    if (values[i].length != w) {
                        throw new IllegalStateException("output '" + name + "' has " + values[i].length + " values per row, expected " + w);
                    }
                    out[first + i] = values[i];
                }
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed on output '" + name + "': " + e.getMessage(), e);
            }
        }
        return out;
    }
}
