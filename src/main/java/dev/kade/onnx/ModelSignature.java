package dev.kade.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.kade.model.InvalidModelException;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import java.util.Arrays;
import java.util.Map;

/**
 * What a session's inputs and outputs say about how to score with it, checked against its metadata at load
 * (names, float types, widths), so that a model with the wrong signature is refused before it serves.
 *
 * <p>Two shapes are served. A <em>contract</em> model (kade's own export) has input
 * {@value ModelContract#INPUT} [N,F] and outputs {@value ModelContract#OUTPUT_SCORE} [N] and
 * {@value ModelContract#OUTPUT_FEATURE_ERRORS} [N,F], optionally {@value ModelContract#OUTPUT_RECONSTRUCTION}
 * [N,F] and {@value ModelContract#OUTPUT_LATENT} [N,L]. A <em>reconstruction</em> (foreign) model has one
 * float input [N,F] of any name and one output [N,F].
 *
 * @param inputName               the one input
 * @param width                   F, the number of features
 * @param fixedBatch              1 when the input's batch dimension is fixed at 1, else 0 (dynamic)
 * @param reconstructionOnly      true for a foreign model: kade computes the score from its reconstruction
 * @param reconstructionOutput    the reconstruction output's name; null when a contract model has none
 * @param latentWidth             L of the optional latent output; 0 when absent
 */
record ModelSignature(String inputName, int width, int fixedBatch, boolean reconstructionOnly,
                      String reconstructionOutput, int latentWidth) {

    /** True when the model can give a reconstruction (a foreign model's only output, or a contract model's optional one). */
    boolean reconstructionAvailable() {
        return reconstructionOutput != null;
    }

    /** Reads and checks the signature of {@code session} against {@code metadata}. */
    static ModelSignature check(OrtSession session, ModelMetadata metadata) throws OrtException {
        int width = metadata.features().size();
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        if (inputs.size() != 1) {
            throw new InvalidModelException("model has " + inputs.size() + " inputs " + inputs.keySet()
                    + ", expected one float input [N," + width + "] named '" + ModelContract.INPUT + "'");
        }
        String inputName = inputs.keySet().iterator().next();
        long[] inShape = floatShape(inputs.get(inputName), "input '" + inputName + "'");
        if (inShape.length != 2 || (inShape[1] > 0 && inShape[1] != width)) {
            throw new InvalidModelException("input '" + inputName + "' has shape " + Arrays.toString(inShape)
                    + ", expected [N," + width + "] for the " + width + " features " + metadata.features());
        }
        if (inShape[0] > 1) {
            throw new InvalidModelException("input '" + inputName + "' has a fixed batch size of " + inShape[0]
                    + "; export it with a dynamic batch dimension (or batch size 1)");
        }
        int fixedBatch = inShape[0] == 1 ? 1 : 0;
        boolean contract = outputs.containsKey(ModelContract.OUTPUT_SCORE)
                && outputs.containsKey(ModelContract.OUTPUT_FEATURE_ERRORS);
        return contract ? contract(inputName, width, fixedBatch, outputs, metadata)
                : reconstruction(inputName, width, fixedBatch, outputs, metadata);
    }

    private static ModelSignature contract(String inputName, int width, int fixedBatch, Map<String, NodeInfo> outputs,
                                           ModelMetadata metadata) {
        if (!inputName.equals(ModelContract.INPUT)) {
            throw new InvalidModelException("model input is named '" + inputName + "', the contract names it '"
                    + ModelContract.INPUT + "'");
        }
        if (metadata.kind() == ModelKind.RECONSTRUCTION) {
            throw new InvalidModelException("metadata says kind reconstruction but the model has contract outputs "
                    + ModelContract.OUTPUT_SCORE + " and " + ModelContract.OUTPUT_FEATURE_ERRORS);
        }
        floatShape(outputs.get(ModelContract.OUTPUT_SCORE), "output '" + ModelContract.OUTPUT_SCORE + "'");
        floatShape(outputs.get(ModelContract.OUTPUT_FEATURE_ERRORS), "output '" + ModelContract.OUTPUT_FEATURE_ERRORS + "'");
        String reconstruction = outputs.containsKey(ModelContract.OUTPUT_RECONSTRUCTION) ? ModelContract.OUTPUT_RECONSTRUCTION : null;
        if (reconstruction != null) {
            long[] r = floatShape(outputs.get(reconstruction), "output '" + reconstruction + "'");
            if (r.length != 2 || (r[1] > 0 && r[1] != width)) {
                throw new InvalidModelException("optional output '" + reconstruction + "' has shape "
                        + Arrays.toString(r) + ", expected [N," + width + "]");
            }
        }
        return new ModelSignature(inputName, width, fixedBatch, false, reconstruction,
                latentWidth(outputs.get(ModelContract.OUTPUT_LATENT)));
    }

    private static ModelSignature reconstruction(String inputName, int width, int fixedBatch, Map<String, NodeInfo> outputs,
                                                 ModelMetadata metadata) {
        if (outputs.size() != 1) {
            throw new InvalidModelException("model outputs " + outputs.keySet() + ": expected either '"
                    + ModelContract.OUTPUT_SCORE + "' and '" + ModelContract.OUTPUT_FEATURE_ERRORS
                    + "', or a single reconstruction output [N," + width + "]");
        }
        if (metadata.kind() != ModelKind.RECONSTRUCTION) {
            throw new InvalidModelException("model outputs only " + outputs.keySet() + " (a reconstruction) but its metadata says kind "
                    + metadata.kind().label() + "; set " + ModelContract.KEY_KIND + "=reconstruction");
        }
        String output = outputs.keySet().iterator().next();
        long[] outShape = floatShape(outputs.get(output), "output '" + output + "'");
        if (outShape.length != 2 || (outShape[1] > 0 && outShape[1] != width)) {
            throw new InvalidModelException("reconstruction output '" + output + "' has shape "
                    + Arrays.toString(outShape) + ", expected [N," + width + "]");
        }
        return new ModelSignature(inputName, width, fixedBatch, true, output, 0);
    }

    /** The fixed width L of an optional latent output [N,L]; 0 when absent. */
    private static int latentWidth(NodeInfo info) {
        if (info == null) {
            return 0;
        }
        long[] shape = floatShape(info, "output '" + ModelContract.OUTPUT_LATENT + "'");
        if (shape.length != 2 || shape[1] < 1 || shape[1] > Integer.MAX_VALUE / 1024) {
            throw new InvalidModelException("optional output '" + ModelContract.OUTPUT_LATENT + "' has shape "
                    + Arrays.toString(shape) + ", expected [N,L] with a fixed code width L");
        }
        return (int) shape[1];
    }

    private static long[] floatShape(NodeInfo info, String what) {
        if (!(info.getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT) {
            throw new InvalidModelException(what + " is not a float32 tensor: " + info.getInfo());
        }
        return t.getShape();
    }
}
