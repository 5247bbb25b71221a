package dev.kade.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.kade.model.InvalidModelException;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.series.Normalisation;
import dev.kade.series.SeriesSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The windowed half of serving a model through ONNX Runtime: checks a windowed model's signature at load and
 * scores batches of windows ({@link dev.kade.model.Scorer#scoreWindows}).
 *
 * <p>Signature (the windowed model contract): input {@value ModelContract#INPUT} float32 [N,W,F] and, exactly
 * when the metadata names a per-entity normalisation ({@link SeriesSpec#KEY_STATS} other than {@code none}),
 * input {@value ModelContract#INPUT_ENTITY_STATS} float32 [N,2,F]; outputs {@value ModelContract#OUTPUT_SCORE}
 * float32 [N] and {@value ModelContract#OUTPUT_FEATURE_ERRORS} float32 [N,F], optionally
 * {@value ModelContract#OUTPUT_RECONSTRUCTION} float32 [N,W,F]. Fixed dimensions must match W and F; the batch
 * dimension must be dynamic or 1 (then windows are run one at a time). A third-party model (for example a
 * PyTorch LSTM autoencoder exported with these names) without {@code entity_stats} is served as it is.
 *
 * <p>Threads and ownership as in {@link OnnxModel}: thread-safe; each calling thread gets its own direct input
 * and output buffers and tensors per batch size, created on first use and reused; this object owns them and
 * releases them in {@link #close()}, which must not race with scoring. It does not own the session.
 */
final class WindowedSession implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String version;
    private final int window;
    private final int width;
    private final boolean stats;
    private final boolean reconstruction;
    private final int fixedBatch;
    private final Queue<Map<Integer, Batch>> allBuffers = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<Map<Integer, Batch>> buffers = ThreadLocal.withInitial(() -> {
        Map<Integer, Batch> m = new HashMap<>();
        allBuffers.add(m);
        return m;
    });
    private volatile boolean closed;

    /**
     * Checks {@code session}'s inputs and outputs against the windowed contract for {@code metadata}.
     *
     * @throws InvalidModelException naming the input or output that does not fit
     */
    WindowedSession(OrtEnvironment env, OrtSession session, ModelMetadata metadata) throws OrtException {
        this.env = Objects.requireNonNull(env, "env");
        this.session = Objects.requireNonNull(session, "session");
        SeriesSpec spec = metadata.series().orElseThrow(() -> new IllegalArgumentException("not a windowed model"));
        this.version = metadata.version();
        this.window = spec.window();
        this.width = spec.features();
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        String expected = "a windowed model (" + SeriesSpec.KEY_WINDOW + "=" + window + ") takes '" + ModelContract.INPUT
                + "' [N," + window + "," + width + "]";
        if (!inputs.containsKey(ModelContract.INPUT)) {
            throw new InvalidModelException("model inputs " + inputs.keySet() + ": " + expected);
        }
        this.stats = inputs.containsKey(ModelContract.INPUT_ENTITY_STATS);
        for (String name : inputs.keySet()) {
            if (!name.equals(ModelContract.INPUT) && !name.equals(ModelContract.INPUT_ENTITY_STATS)) {
                throw new InvalidModelException("model has an input '" + name + "' the windowed contract does not know: "
                        + expected + " and optionally '" + ModelContract.INPUT_ENTITY_STATS + "' [N,2," + width + "]");
            }
        }
        long[] in = shape(inputs.get(ModelContract.INPUT), "input '" + ModelContract.INPUT + "'");
        requireShape(in, "input '" + ModelContract.INPUT + "'", window, width);
        boolean declared = spec.normalisation() != Normalisation.NONE;
        if (stats != declared) {
            throw new InvalidModelException(stats
                    ? "model takes '" + ModelContract.INPUT_ENTITY_STATS + "' but its metadata names no per-entity "
                    + "normalisation (" + SeriesSpec.KEY_STATS + "): set it, so that the stream keeps the statistics the model expects"
                    : "model metadata names per-entity normalisation " + SeriesSpec.KEY_STATS + "="
                    + spec.normalisation().label() + " but the graph has no '" + ModelContract.INPUT_ENTITY_STATS + "' input");
        }
        if (stats) {
            long[] st = shape(inputs.get(ModelContract.INPUT_ENTITY_STATS), "input '" + ModelContract.INPUT_ENTITY_STATS + "'");
            requireShape(st, "input '" + ModelContract.INPUT_ENTITY_STATS + "'", 2, width);
            if (st[0] > 1 || (st[0] == 1) != (in[0] == 1)) {
                throw new InvalidModelException("input '" + ModelContract.INPUT_ENTITY_STATS + "' has batch dimension " + st[0]
                        + " but '" + ModelContract.INPUT + "' has " + in[0]);
            }
        }
        if (in[0] > 1) {
            throw new InvalidModelException("input '" + ModelContract.INPUT + "' has a fixed batch size of " + in[0]
                    + "; export it with a dynamic batch dimension (or batch size 1)");
        }
        this.fixedBatch = in[0] == 1 ? 1 : 0;
        if (!outputs.containsKey(ModelContract.OUTPUT_SCORE) || !outputs.containsKey(ModelContract.OUTPUT_FEATURE_ERRORS)) {
            throw new InvalidModelException("model outputs " + outputs.keySet() + ": a windowed model has '"
                    + ModelContract.OUTPUT_SCORE + "' [N] and '" + ModelContract.OUTPUT_FEATURE_ERRORS + "' [N," + width + "]");
        }
        if (metadata.kind() == ModelKind.RECONSTRUCTION) {
            throw new InvalidModelException(ModelContract.KEY_KIND + "=reconstruction is for per-record foreign models; "
                    + "a windowed model computes its own '" + ModelContract.OUTPUT_SCORE + "'");
        }
        long[] s = shape(outputs.get(ModelContract.OUTPUT_SCORE), "output '" + ModelContract.OUTPUT_SCORE + "'");
        if (s.length != 1) {
            throw new InvalidModelException("output '" + ModelContract.OUTPUT_SCORE + "' has shape " + Arrays.toString(s)
                    + ", expected [N]");
        }
        requireShape(shape(outputs.get(ModelContract.OUTPUT_FEATURE_ERRORS), "output '" + ModelContract.OUTPUT_FEATURE_ERRORS + "'"),
                "output '" + ModelContract.OUTPUT_FEATURE_ERRORS + "'", width);
        this.reconstruction = outputs.containsKey(ModelContract.OUTPUT_RECONSTRUCTION);
        if (reconstruction) {
            requireShape(shape(outputs.get(ModelContract.OUTPUT_RECONSTRUCTION), "output '" + ModelContract.OUTPUT_RECONSTRUCTION + "'"),
                    "optional output '" + ModelContract.OUTPUT_RECONSTRUCTION + "'", window, width);
        }
    }

    /** Whether the graph reads {@value ModelContract#INPUT_ENTITY_STATS}. */
    boolean takesEntityStats() {
        return stats;
    }

    /** Whether the graph has the optional {@value ModelContract#OUTPUT_RECONSTRUCTION} [N,W,F] output. */
    boolean hasReconstruction() {
        return reconstruction;
    }

    /**
     * Scores {@code rows} windows (arrays as {@link dev.kade.model.Scorer#scoreWindows} describes; checked by the
     * caller): one session call per batch (per window for a batch-1 model), inputs copied into this thread's
     * direct buffers, outputs written by ONNX Runtime into pinned direct buffers and copied out.
     */
    void score(float[] windows, float[] meanScale, int rows, float[] score, float[] featureErrors, float[] recon) {
        if (rows == 0) {
            return;
        }
        if (closed) {
            throw new IllegalStateException("model " + version + " is closed");
        }
        if (recon != null && !reconstruction) {
            throw new UnsupportedOperationException("model " + version + " has no " + ModelContract.OUTPUT_RECONSTRUCTION + " output");
        }
        Map<Integer, Batch> mine = buffers.get();
        int step = fixedBatch == 1 ? 1 : rows;
        for (int first = 0; first < rows; first += step) {
            int n = Math.min(step, rows - first);
            Batch b = mine.computeIfAbsent(n, Batch::new);
            b.run(windows, meanScale, first, n, score, featureErrors, recon);
        }
    }

    @Override
    public void close() {
        closed = true;
        Map<Integer, Batch> m;
        while ((m = allBuffers.poll()) != null) {
            m.values().forEach(Batch::close);
            m.clear();
        }
    }

    /** Tensors over direct buffers for one batch size. */
    private final class Batch {
        private final int n;
        private final FloatBuffer input;
        private final FloatBuffer statsInput;
        private final FloatBuffer scoreOut;
        private final FloatBuffer errorsOut;
        private final FloatBuffer reconOut;
        private final Map<String, OnnxTensor> inputs;
        private final Map<String, OnnxTensor> outputs;
        private final Map<String, OnnxTensor> outputsWithReconstruction;
        private final List<OnnxTensor> tensors = new ArrayList<>();

        Batch(int n) {
            this.n = n;
            try {
                int cells = n * window * width;
                input = direct(cells);
                Map<String, OnnxTensor> in = new HashMap<>();
                in.put(ModelContract.INPUT, tensor(input, new long[] {n, window, width}));
                if (stats) {
                    statsInput = direct(n * 2 * width);
                    in.put(ModelContract.INPUT_ENTITY_STATS, tensor(statsInput, new long[] {n, 2, width}));
                } else {
                    statsInput = null;
                }
                inputs = Map.copyOf(in);
                scoreOut = direct(n);
                errorsOut = direct(n * width);
                outputs = Map.of(ModelContract.OUTPUT_SCORE, tensor(scoreOut, new long[] {n}),
                        ModelContract.OUTPUT_FEATURE_ERRORS, tensor(errorsOut, new long[] {n, width}));
                if (reconstruction) {
                    reconOut = direct(cells);
                    Map<String, OnnxTensor> all = new HashMap<>(outputs);
                    all.put(ModelContract.OUTPUT_RECONSTRUCTION, tensor(reconOut, new long[] {n, window, width}));
                    outputsWithReconstruction = Map.copyOf(all);
                } else {
                    reconOut = null;
                    outputsWithReconstruction = null;
                }
            } catch (OrtException e) {
                close();
                throw new IllegalStateException("cannot create ONNX Runtime tensors for a batch of " + n + " windows: "
                        + e.getMessage(), e);
            }
        }

        void run(float[] windows, float[] meanScale, int first, int count, float[] score, float[] featureErrors, float[] recon) {
            int cells = window * width;
            input.put(0, windows, first * cells, count * cells);
            if (stats) {
                statsInput.put(0, meanScale, first * 2 * width, count * 2 * width);
            }
            try (OrtSession.Result ignored = session.run(inputs, recon == null ? outputs : outputsWithReconstruction)) {
                scoreOut.get(0, score, first, count);
                errorsOut.get(0, featureErrors, first * width, count * width);
                if (recon != null) {
                    reconOut.get(0, recon, first * cells, count * cells);
                }
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed to score a batch of " + n + " windows: " + e.getMessage(), e);
            }
        }

        private OnnxTensor tensor(FloatBuffer buffer, long[] shape) throws OrtException {
            OnnxTensor t = OnnxTensor.createTensor(env, buffer, shape);
            tensors.add(t);
            return t;
        }

        void close() {
            tensors.forEach(OnnxTensor::close);
            tensors.clear();
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static long[] shape(NodeInfo info, String what) {
        if (!(info.getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT) {
            throw new InvalidModelException(what + " is not a float32 tensor: " + info.getInfo());
        }
        return t.getShape();
    }

    /** [N, dims...] with each fixed dimension equal to the expected one (a dynamic one, ≤ 0, fits anything). */
    private static void requireShape(long[] shape, String what, int... dims) {
        boolean ok = shape.length == dims.length + 1;
        for (int k = 0; ok && k < dims.length; k++) {
            ok = shape[k + 1] <= 0 || shape[k + 1] == dims[k];
        }
        if (!ok) {
            StringBuilder e = new StringBuilder("[N");
            for (int d : dims) {
                e.append(',').append(d);
            }
            throw new InvalidModelException(what + " has shape " + Arrays.toString(shape) + ", expected " + e.append(']'));
        }
    }
}
