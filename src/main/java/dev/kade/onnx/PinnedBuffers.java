package dev.kade.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.kade.model.ModelContract;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The scoring hot path's native memory: each calling thread gets its own direct input and output buffers
 * and the {@link OnnxTensor}s over them, one set per batch size it uses, created on first use and reused
 * after, so that scoring allocates nothing per row and threads share no buffer or lock. ONNX Runtime writes
 * its outputs straight into these buffers (pinned outputs).
 *
 * <p>Owned by one {@link OnnxModel}, which closes it; {@link #close()} must not race with a thread still
 * scoring (the serving registry's reference count sees to that).
 */
final class PinnedBuffers implements AutoCloseable {
    private final OrtEnvironment env;
    private final ModelSignature signature;
    /** Every thread's buffers, so that {@link #close} can release their tensors. */
    private final Queue<ThreadBuffers> allBuffers = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<ThreadBuffers> threadBuffers = ThreadLocal.withInitial(() -> {
        ThreadBuffers b = new ThreadBuffers();
        allBuffers.add(b);
        return b;
    });

    PinnedBuffers(OrtEnvironment env, ModelSignature signature) {
        this.env = env;
        this.signature = signature;
    }

    /** This thread's tensors for a batch of {@code n} rows. */
    Batch batch(int n) {
        return threadBuffers.get().batch(n);
    }

    @Override
    public void close() {
        ThreadBuffers b;
        while ((b = allBuffers.poll()) != null) {
            b.close();
        }
    }

    /** One thread's batches, by size. Used only by its thread. */
    private final class ThreadBuffers {
        private final Map<Integer, Batch> batches = new HashMap<>();

        Batch batch(int n) {
            Batch b = batches.get(n);
            if (b == null) {
                b = new Batch(n);
                batches.put(n, b);
            }
            return b;
        }

        void close() {
            batches.values().forEach(Batch::close);
            batches.clear();
        }
    }

    /** Tensors over direct buffers for one batch size: the input, and the pinned outputs ONNX Runtime fills. */
    final class Batch {
        final FloatBuffer input;
        /** {@code score} [n] for a contract model, the reconstruction [n,F] for a foreign one. */
        final FloatBuffer first;
        /** {@code feature_errors} [n,F] for a contract model; null for a foreign one. */
        final FloatBuffer second;
        /** The latent code [n,L] when the model has one; null otherwise. */
        final FloatBuffer latent;
        final Map<String, OnnxTensor> inputs;
        /** What scoring asks ONNX Runtime for: never the optional outputs. */
        final Map<String, OnnxTensor> outputs;
        /** {@link #outputs} plus the latent code, for scoring that puts the code on the scores topic; null without one. */
        final Map<String, OnnxTensor> outputsWithLatent;
        private final List<OnnxTensor> tensors = new ArrayList<>();

        Batch(int n) {
            int width = signature.width();
            int latentWidth = signature.latentWidth();
            try {
                input = direct(n * width);
                inputs = Map.of(signature.inputName(), tensor(input, new long[] {n, width}));
                if (signature.reconstructionOnly()) {
                    first = direct(n * width);
                    second = null;
                    outputs = Map.of(signature.reconstructionOutput(), tensor(first, new long[] {n, width}));
                } else {
                    first = direct(n);
                    second = direct(n * width);
                    outputs = Map.of(ModelContract.OUTPUT_SCORE, tensor(first, new long[] {n}),
                            ModelContract.OUTPUT_FEATURE_ERRORS, tensor(second, new long[] {n, width}));
                }
                if (latentWidth > 0) {
                    latent = direct(n * latentWidth);
                    Map<String, OnnxTensor> all = new HashMap<>(outputs);
                    all.put(ModelContract.OUTPUT_LATENT, tensor(latent, new long[] {n, latentWidth}));
                    outputsWithLatent = Map.copyOf(all);
                } else {
                    latent = null;
                    outputsWithLatent = null;
                }
            } catch (OrtException e) {
                close();
                throw new IllegalStateException("cannot create ONNX Runtime tensors for a batch of " + n + ": " + e.getMessage(), e);
            }
        }

        private OnnxTensor tensor(FloatBuffer buffer, long[] shape) throws OrtException {
            OnnxTensor t = OnnxTensor.createTensor(env, buffer, shape);
            tensors.add(t);
            return t;
        }

        void close() {
            tensors.forEach(OnnxTensor::close);
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
