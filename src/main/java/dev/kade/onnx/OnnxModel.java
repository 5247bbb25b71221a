package dev.kade.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.model.InvalidModelException;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.model.Scorer;
import dev.kade.model.Scores;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One ONNX model served through ONNX Runtime: owns one {@link OrtSession}, checks the model contract at
 * load, and scores batches.
 *
 * <p>Two shapes of model are served. A <em>contract</em> model (kade's own export) has input
 * {@value ModelContract#INPUT} [N,F] and outputs {@value ModelContract#OUTPUT_SCORE} [N] and
 * {@value ModelContract#OUTPUT_FEATURE_ERRORS} [N,F]. A <em>reconstruction</em> model (a plain PyTorch or
 * Keras export) has one float input [N,F] of any name and one output [N,F]; kade then computes
 * {@code feature_errors = ((x - x̂) / scale)²} and {@code score = mean(feature_errors)} itself, with the
 * optional {@link ModelContract#KEY_FEATURE_SCALES} as scale (1 otherwise). Metadata comes from the ONNX
 * file's metadata_props or, for foreign models, from a sidecar {@code MODEL.onnx.kade.json}.
 *
 * <p>Loading refuses a file over the size limit before reading it, then runs {@link ModelContract#verify}
 * (the model's probe, or synthetic rows for a model without one), so a model whose outputs have the wrong
 * shape or are not finite, or whose metadata the graph contradicts, is refused before it serves.
 *
 * <p>Threads and ownership: {@link #score} is thread-safe (ONNX Runtime sessions are). Each calling thread
 * gets its own direct input and output buffers and the {@link OnnxTensor}s over them, one set per batch
 * size it uses, created on first use and reused after, so scoring allocates nothing per row and threads
 * share no buffer or lock. This model owns them all and releases them in {@link #close}, which must not
 * race with {@code score}: the caller ensures that by retiring a model only when no thread uses it
 * ({@code ServingModel}'s reference count).
 */
public final class OnnxModel implements Scorer, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelMetadata metadata;
    private final String inputName;
    private final boolean reconstructionOnly;
    private final String reconstructionOutput;
    /** True when a contract model also has the optional {@value ModelContract#OUTPUT_RECONSTRUCTION} output. */
    private final boolean reconstructionAvailable;
    /** Width of the optional {@value ModelContract#OUTPUT_LATENT} output; 0 when the model has none. */
    private final int latentWidth;
    private final int width;
    private final int fixedBatch;
    private final float[] inverseScaleSquared;
    private final String sha256;
    private final Path source;
    /** Set once by {@link #load} before the model is handed out. */
    private ModelContract.Verification verification;
    /** Every thread's buffers, so that {@link #close} can release their tensors. */
    private final java.util.Queue<ThreadBuffers> allBuffers = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final ThreadLocal<ThreadBuffers> threadBuffers = ThreadLocal.withInitial(() -> {
        ThreadBuffers b = new ThreadBuffers();
        allBuffers.add(b);
        return b;
    });
    private volatile boolean closed;

    private OnnxModel(Path source, OrtEnvironment env, OrtSession session, ModelMetadata metadata, String sha256)
            throws OrtException {
        this.source = source;
        this.env = env;
        this.session = session;
        this.metadata = metadata;
        this.sha256 = sha256;
        this.width = metadata.features().size();

        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        if (inputs.size() != 1) {
            throw new InvalidModelException("model has " + inputs.size() + " inputs " + inputs.keySet()
                    + ", expected one float input [N," + width + "] named '" + ModelContract.INPUT + "'");
        }
        this.inputName = inputs.keySet().iterator().next();
        long[] inShape = floatShape(inputs.get(inputName), "input '" + inputName + "'");
        if (inShape.length != 2 || (inShape[1] > 0 && inShape[1] != width)) {
            throw new InvalidModelException("input '" + inputName + "' has shape " + java.util.Arrays.toString(inShape)
                    + ", expected [N," + width + "] for the " + width + " features " + metadata.features());
        }
        if (inShape[0] > 1) {
            throw new InvalidModelException("input '" + inputName + "' has a fixed batch size of " + inShape[0]
                    + "; export it with a dynamic batch dimension (or batch size 1)");
        }
        this.fixedBatch = inShape[0] == 1 ? 1 : 0;

        boolean contract = outputs.containsKey(ModelContract.OUTPUT_SCORE)
                && outputs.containsKey(ModelContract.OUTPUT_FEATURE_ERRORS);
        if (contract) {
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
            this.reconstructionOnly = false;
            this.reconstructionOutput = outputs.containsKey(ModelContract.OUTPUT_RECONSTRUCTION) ? ModelContract.OUTPUT_RECONSTRUCTION : null;
            if (reconstructionOutput != null) {
                long[] r = floatShape(outputs.get(reconstructionOutput), "output '" + reconstructionOutput + "'");
                if (r.length != 2 || (r[1] > 0 && r[1] != width)) {
                    throw new InvalidModelException("optional output '" + reconstructionOutput + "' has shape "
                            + Arrays.toString(r) + ", expected [N," + width + "]");
                }
            }
            this.reconstructionAvailable = reconstructionOutput != null;
            this.latentWidth = latentWidth(outputs.get(ModelContract.OUTPUT_LATENT));
        } else {
            if (outputs.size() != 1) {
                throw new InvalidModelException("model outputs " + outputs.keySet() + ": expected either '"
                        + ModelContract.OUTPUT_SCORE + "' and '" + ModelContract.OUTPUT_FEATURE_ERRORS
                        + "', or a single reconstruction output [N," + width + "]");
            }
            if (metadata.kind() != ModelKind.RECONSTRUCTION) {
                throw new InvalidModelException("model outputs only " + outputs.keySet() + " (a reconstruction) but its metadata says kind "
                        + metadata.kind().label() + "; set " + ModelContract.KEY_KIND + "=reconstruction");
            }
            this.reconstructionOutput = outputs.keySet().iterator().next();
            long[] outShape = floatShape(outputs.get(reconstructionOutput), "output '" + reconstructionOutput + "'");
            if (outShape.length != 2 || (outShape[1] > 0 && outShape[1] != width)) {
                throw new InvalidModelException("reconstruction output '" + reconstructionOutput + "' has shape "
                        + java.util.Arrays.toString(outShape) + ", expected [N," + width + "]");
            }
            this.reconstructionOnly = true;
            this.reconstructionAvailable = true;
            this.latentWidth = 0;
        }
        this.inverseScaleSquared = new float[width];
        double[] scales = metadata.featureScales().orElse(null);
        for (int j = 0; j < width; j++) {
            double s = scales == null ? 1.0 : scales[j];
            inverseScaleSquared[j] = (float) (1.0 / (s * s));
        }
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

    /** Largest model file {@link #load(Path)} reads: 256 MiB (the default of {@code model.max.bytes}). */
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;
    /** Largest model file kade can read at all (one Java array). */
    public static final long LIMIT_MAX_BYTES = Integer.MAX_VALUE - 8;

    /**
     * Loads and validates a model file of at most {@link #DEFAULT_MAX_BYTES}; metadata comes from the file,
     * or from the sidecar for a foreign model.
     *
     * @throws InvalidModelException when the file is too large, unreadable, not ONNX, breaks the contract or
     *                               fails {@link ModelContract#verify}
     */
    public static OnnxModel load(Path path) {
        return load(path, DEFAULT_MAX_BYTES, Optional.empty());
    }

    /** As {@link #load(Path)}, refusing a model file (or sidecar) over {@code maxBytes} before reading it. */
    public static OnnxModel load(Path path, long maxBytes) {
        return load(path, maxBytes, Optional.empty());
    }

    /**
     * Loads and validates a model file with the given metadata instead of what the file or sidecar says
     * (used to calibrate a foreign model before it has metadata of its own).
     */
    public static OnnxModel load(Path path, Optional<ModelMetadata> metadataOverride) {
        return load(path, DEFAULT_MAX_BYTES, metadataOverride);
    }

    private static OnnxModel load(Path path, long maxBytes, Optional<ModelMetadata> metadataOverride) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(metadataOverride, "metadataOverride");
        byte[] bytes = readBounded(path, "model file", maxBytes);
        OrtEnvironment env = environment();
        OrtSession session = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // Stream threads give the parallelism; one intra-op thread keeps a call cheap and predictable.
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(bytes, options);
            Map<String, String> custom = session.getMetadata().getCustomMetadata();
            ModelMetadata metadata = metadataOverride.isPresent() ? metadataOverride.get() : readMetadata(path, custom, maxBytes);
            OnnxModel model = new OnnxModel(path, env, session, metadata, sha256(bytes));
            try {
                model.verification = ModelContract.verify(model);
            } catch (RuntimeException e) {
                // verifying scored the probe: close the tensors that made for this thread, and the session
                session = null;
                try {
                    model.close();
                } catch (RuntimeException ignored) {
                    // refusing the model is what matters
                }
                throw e;
            }
            return model;
        } catch (OrtException e) {
            closeQuietly(session);
            throw new InvalidModelException("ONNX Runtime refused " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    /**
     * Reads a file of at most {@code maxBytes}, checking the size before reading and never holding more
     * than {@code maxBytes + 1} bytes (a file that grows while read is refused too).
     */
    static byte[] readBounded(Path path, String what, long maxBytes) {
        if (maxBytes < 1 || maxBytes > LIMIT_MAX_BYTES) {
            throw new IllegalArgumentException("maxBytes must be 1.." + LIMIT_MAX_BYTES + ", got " + maxBytes);
        }
        try {
            long size = Files.size(path);
            if (size > maxBytes) {
                throw tooLarge(path, what, size, maxBytes);
            }
            try (InputStream in = Files.newInputStream(path)) {
                byte[] bytes = in.readNBytes((int) maxBytes + 1);
                if (bytes.length > maxBytes) {
                    throw tooLarge(path, what, bytes.length, maxBytes);
                }
                return bytes;
            }
        } catch (IOException e) {
            throw new InvalidModelException("cannot read " + what + " " + path + ": " + e, e);
        }
    }

    private static InvalidModelException tooLarge(Path path, String what, long size, long maxBytes) {
        return new InvalidModelException(what + " " + path + " is " + size + " bytes, over the limit of " + maxBytes
                + " bytes (model.max.bytes); it was not read");
    }

    /**
     * The shared ONNX Runtime environment, created the first time on a thread with a 64 MB stack.
     *
     * <p>Loading ONNX Runtime 1.29's native library needs more stack than a JVM thread has by default:
     * in a plain {@code java -jar} process the first {@code OrtEnvironment.getEnvironment()} on the main
     * thread (1 MB stack) dies with SIGSEGV and no hs_err file (seen here; -Xss4m also avoids it). Once
     * the library is loaded, sessions and inference run fine on ordinary threads.
     *
     * <p>Telemetry is turned off at once ({@link OrtTelemetry}).
     */
    static OrtEnvironment environment() {
        return EnvironmentHolder.ENV;
    }

    private static final class EnvironmentHolder {
        // the loading thread runs OnnxModel.createEnvironment, not a lambda of this class: a lambda here
        // would wait for this class's initialisation, which waits for the thread (a deadlock)
        static final OrtEnvironment ENV = createEnvironment();
    }

    private static OrtEnvironment createEnvironment() {
        OrtEnvironment[] env = new OrtEnvironment[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                env[0] = OrtEnvironment.getEnvironment();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "kade-onnxruntime-init", 64L * 1024 * 1024);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading ONNX Runtime", e);
        }
        if (failure[0] != null) {
            throw new IllegalStateException("cannot load ONNX Runtime: " + failure[0], failure[0]);
        }
        OrtTelemetry.disable(env[0], System.getenv());
        return env[0];
    }

    @Override
    public ModelMetadata metadata() {
        return metadata;
    }

    /** SHA-256 of the model file's bytes as loaded. */
    public String sha256() {
        return sha256;
    }

    /** The file this model was loaded from. */
    public Path source() {
        return source;
    }

    /** What the load-time check could verify: {@code NO_PROBE} for a model without a probe. */
    public ModelContract.Verification verification() {
        return verification;
    }

    /** True when kade computes the score from a reconstruction (a foreign model). */
    public boolean reconstructionOnly() {
        return reconstructionOnly;
    }

    @Override
    public boolean hasReconstruction() {
        return reconstructionAvailable;
    }

    @Override
    public int latentWidth() {
        return latentWidth;
    }

    /**
     * The {@value ModelContract#OUTPUT_RECONSTRUCTION} output (a foreign model's single output). Not a hot
     * path: allocates its tensors per call, and the scoring path never asks ONNX Runtime for this output.
     */
    @Override
    public float[][] reconstruct(float[][] rows) {
        if (!reconstructionAvailable) {
            return Scorer.super.reconstruct(rows);
        }
        return fetch(rows, reconstructionOutput, width);
    }

    /** The {@value ModelContract#OUTPUT_LATENT} output. Not a hot path (see {@link #score(float[], int, float[], float[], float[])}). */
    @Override
    public float[][] latent(float[][] rows) {
        if (latentWidth == 0) {
            return Scorer.super.latent(rows);
        }
        return fetch(rows, ModelContract.OUTPUT_LATENT, latentWidth);
    }

    /** Runs {@code rows} asking ONNX Runtime for the one output {@code name} [n, w]. */
    private float[][] fetch(float[][] rows, String name, int w) {
        Objects.requireNonNull(rows, "rows");
        if (closed) {
            throw new IllegalStateException("model " + metadata.version() + " is closed");
        }
        int n = rows.length;
        float[][] out = new float[n][];
        int step = fixedBatch == 1 ? 1 : Math.max(1, n);
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
                 OrtSession.Result r = session.run(Map.of(inputName, t), java.util.Set.of(name))) {
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

    @Override
    public Scores score(float[][] rows) {
        Objects.requireNonNull(rows, "rows");
        int n = rows.length;
        float[] features = new float[n * width];
        for (int i = 0; i < n; i++) {
            if (rows[i].length != width) {
                throw new IllegalArgumentException("row has " + rows[i].length + " values, model expects " + width);
            }
            System.arraycopy(rows[i], 0, features, i * width, width);
        }
        float[] score = new float[n];
        float[] errorsFlat = new float[n * width];
        score(features, n, score, errorsFlat);
        float[][] errors = new float[n][];
        for (int i = 0; i < n; i++) {
            errors[i] = Arrays.copyOfRange(errorsFlat, i * width, (i + 1) * width);
        }
        return new Scores(score, errors);
    }

    /**
     * Scores {@code rows} rows without allocating per row: the rows are copied into this thread's direct
     * input buffer, and ONNX Runtime writes its outputs straight into this thread's direct output buffers
     * (pinned outputs), from which they are copied into the caller's arrays.
     */
    @Override
    public void score(float[] features, int rows, float[] score, float[] featureErrors) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(score, "score");
        Objects.requireNonNull(featureErrors, "featureErrors");
        if (rows < 0 || features.length < rows * width || score.length < rows || featureErrors.length < rows * width) {
            throw new IllegalArgumentException(rows + " rows of " + width + " features do not fit arrays of " + features.length
                    + ", " + score.length + " and " + featureErrors.length);
        }
        scoreChecked(features, rows, score, featureErrors, null);
    }

    /**
     * As {@link #score(float[], int, float[], float[])}, and row i's latent code into
     * {@code latent[i * latentWidth() ..]}: one session call that asks for the latent output too, into a
     * pinned buffer of this thread, still without per-row allocation. Only this call fetches it; plain
     * scoring never does.
     *
     * @throws UnsupportedOperationException when the model has no latent output
     */
    @Override
    public void score(float[] features, int rows, float[] score, float[] featureErrors, float[] latent) {
        if (latentWidth == 0) {
            throw new UnsupportedOperationException("model " + metadata.version() + " has no " + ModelContract.OUTPUT_LATENT + " output");
        }
        Objects.requireNonNull(latent, "latent");
        if (rows < 0 || features.length < rows * width || score.length < rows || featureErrors.length < rows * width
                || latent.length < rows * latentWidth) {
            throw new IllegalArgumentException(rows + " rows of " + width + " features do not fit arrays of " + features.length
                    + ", " + score.length + ", " + featureErrors.length + " and " + latent.length);
        }
        scoreChecked(features, rows, score, featureErrors, latent);
    }

    /** Both {@code score} calls once their arrays are checked: one session call per batch (per row for a batch-1 model). */
    private void scoreChecked(float[] features, int rows, float[] score, float[] featureErrors, float[] latent) {
        if (rows == 0) {
            return;
        }
        if (closed) {
            throw new IllegalStateException("model " + metadata.version() + " is closed");
        }
        ThreadBuffers buffers = threadBuffers.get();
        if (fixedBatch == 1) {
            for (int i = 0; i < rows; i++) {
                run(buffers, features, i, 1, score, featureErrors, latent);
            }
        } else {
            run(buffers, features, 0, rows, score, featureErrors, latent);
        }
    }

    /** Runs rows {@code first .. first + n} through the session; the latent output too when {@code latent} is not null. */
    private void run(ThreadBuffers buffers, float[] features, int first, int n, float[] score, float[] featureErrors,
                     float[] latent) {
        Batch b = buffers.batch(n);
        int from = first * width;
        b.input.put(0, features, from, n * width);
        try (OrtSession.Result ignored = session.run(b.inputs, latent == null ? b.outputs : b.outputsWithLatent)) {
            if (latent != null) {
                b.latent.get(0, latent, first * latentWidth, n * latentWidth);
            }
            if (reconstructionOnly) {
                for (int i = 0; i < n; i++) {
                    double sum = 0;
                    int row = (first + i) * width;
                    for (int j = 0; j < width; j++) {
                        float d = features[row + j] - b.first.get(i * width + j);
                        float e = d * d * inverseScaleSquared[j];
                        featureErrors[row + j] = e;
                        sum += e;
                    }
                    score[first + i] = (float) (sum / width);
                }
            } else {
                b.first.get(0, score, first, n);
                b.second.get(0, featureErrors, from, n * width);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to score a batch of " + n + ": " + e.getMessage(), e);
        }
    }

    /**
     * One stream thread's native buffers: for each batch size the thread has scored, a direct,
     * native-order input buffer and output buffers with ONNX Runtime tensors over them. Owned by this
     * model (closed with it), used only by its thread.
     */
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
    private final class Batch {
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
            try {
                input = direct(n * width);
                inputs = Map.of(inputName, tensor(input, new long[] {n, width}));
                if (reconstructionOnly) {
                    first = direct(n * width);
                    second = null;
                    outputs = Map.of(reconstructionOutput, tensor(first, new long[] {n, width}));
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

    /** Metadata from the ONNX file when it has kade keys, else from the sidecar JSON beside it. */
    static ModelMetadata readMetadata(Path path, Map<String, String> onnxMetadata, long maxBytes) {
        if (onnxMetadata.containsKey(ModelContract.KEY_FEATURES)) {
            return ModelMetadata.fromOnnxMetadata(onnxMetadata);
        }
        Path sidecar = path.resolveSibling(path.getFileName() + ModelContract.SIDECAR_SUFFIX);
        if (!Files.isRegularFile(sidecar)) {
            throw new InvalidModelException("model " + path + " has no kade metadata (" + ModelContract.KEY_FEATURES
                    + ") and no sidecar " + sidecar.getFileName() + "; for a foreign model run `kade calibrate`");
        }
        try {
            JsonNode node = JSON.readTree(readBounded(sidecar, "sidecar", maxBytes));
            Map<String, String> m = new LinkedHashMap<>(onnxMetadata);
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                m.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
            }
            return ModelMetadata.fromOnnxMetadata(m);
        } catch (IOException e) {
            throw new InvalidModelException("cannot read sidecar " + sidecar + ": " + e.getMessage(), e);
        }
    }

    private static long[] floatShape(NodeInfo info, String what) {
        if (!(info.getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT) {
            throw new InvalidModelException(what + " is not a float32 tensor: " + info.getInfo());
        }
        return t.getShape();
    }

    /** Lower-case hex SHA-256 of some bytes: how kade names a model file's content. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes a session while a load is already failing: the original error is the one to report. */
    static void closeQuietly(OrtSession s) {
        if (s != null) {
            try {
                s.close();
            } catch (OrtException ignored) {
                // already failing; the original error is what the user needs
            }
        }
    }

    /** Releases the native session. The shared {@link OrtEnvironment} stays, as ONNX Runtime intends. */
    @Override
    public void close() {
        closed = true;
        ThreadBuffers b;
        while ((b = allBuffers.poll()) != null) {
            b.close();
        }
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("failed to close ONNX session for " + source, e);
        }
    }
}
