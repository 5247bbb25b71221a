package dev.kade.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kade.model.InvalidModelException;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelFiles;
import dev.kade.model.ModelMetadata;
import dev.kade.model.Scorer;
import dev.kade.model.Scores;
import dev.kade.model.ServableModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One ONNX model served through ONNX Runtime: owns one {@link OrtSession}, checks the model contract at
 * load, and scores batches.
 *
 * <p>Its jobs are split by what they do: {@link OnnxRuntime} starts ONNX Runtime and opens the session,
 * {@link ModelFiles} reads the file within its size limit and hashes it, {@link MetadataSource} finds the
 * metadata (in the file, or a foreign model's sidecar), {@link ModelSignature} checks inputs and outputs,
 * {@link PinnedBuffers} is the allocation-free hot path, {@link OptionalOutputs} fetches the reconstruction
 * and latent code on request, and {@link ReconstructionScore} scores a foreign model from its
 * reconstruction. A windowed model ({@code kade.window} ≥ 2) is checked and scored by {@link WindowedSession}
 * instead of the per-record signature and buffers. This class loads, holds them together and answers
 * {@link Scorer}.
 *
 * <p>Loading refuses a file over the size limit before reading it, then runs {@link ModelContract#verify}
 * (the model's probe, or synthetic rows for a model without one), so a model whose outputs have the wrong
 * shape or are not finite, or whose metadata the graph contradicts, is refused before it serves.
 *
 * <p>Threads and ownership: {@link #score} is thread-safe (ONNX Runtime sessions are), and each calling
 * thread scores through its own buffers. This model owns the session and the buffers and releases them in
 * {@link #close}, which must not race with {@code score}: the caller ensures that by retiring a model only
 * when no thread uses it ({@code ServingModel}'s reference count).
 */
public final class OnnxModel implements ServableModel {
    private final OrtSession session;
    private final ModelMetadata metadata;
    private final ModelSignature signature;
    private final PinnedBuffers buffers;
    private final OptionalOutputs optionalOutputs;
    private final ReconstructionScore reconstructionScore;
    /** The signature check and batch path of a windowed model; null for a per-record model (then the four above are set). */
    private final WindowedSession windowed;
    private final String sha256;
    private final Path source;
    /** Set once by {@link #load} before the model is handed out. */
    private ModelContract.Verification verification;
    private volatile boolean closed;

    private OnnxModel(Path source, OrtEnvironment env, OrtSession session, ModelMetadata metadata, String sha256)
            throws OrtException {
        this.source = source;
        this.session = session;
        this.metadata = metadata;
        this.sha256 = sha256;
        if (metadata.window() > 1) {
            this.windowed = new WindowedSession(env, session, metadata);
            this.signature = null;
            this.buffers = null;
            this.optionalOutputs = null;
            this.reconstructionScore = null;
            return;
        }
        this.windowed = null;
        this.signature = ModelSignature.check(session, metadata);
        this.buffers = new PinnedBuffers(env, signature);
        this.optionalOutputs = new OptionalOutputs(env, session, signature);
        this.reconstructionScore = new ReconstructionScore(metadata);
    }

    /** Largest model file {@link #load(Path)} reads: 256 MiB (the default of {@code model.max.bytes}). */
    public static final long DEFAULT_MAX_BYTES = ModelFiles.DEFAULT_MAX_BYTES;
    /** Largest model file kade can read at all (one Java array). */
    public static final long LIMIT_MAX_BYTES = ModelFiles.LIMIT_MAX_BYTES;

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
        byte[] bytes = ModelFiles.readBounded(path, "model file", maxBytes);
        OrtSession session = null;
        try {
            session = OnnxRuntime.scoringSession(bytes);
            Map<String, String> custom = session.getMetadata().getCustomMetadata();
            ModelMetadata metadata = metadataOverride.isPresent() ? metadataOverride.get()
                    : MetadataSource.read(path, custom, maxBytes);
            OnnxModel model = new OnnxModel(path, OnnxRuntime.environment(), session, metadata, ModelFiles.sha256(bytes));
            try {
                model.verification = ModelContract.verify(model);
            } catch (RuntimeException e) {
                // verifying scored the probe: close the tensors that made for this thread, and the session
                session = null;
                ModelFiles.closeQuietly(model);
                throw e;
            }
            return model;
        } catch (OrtException e) {
            ModelFiles.closeQuietly(session);
            throw new InvalidModelException("ONNX Runtime refused " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            ModelFiles.closeQuietly(session);
            throw e;
        }
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
        return windowed == null && signature.reconstructionOnly();
    }

    @Override
    public boolean hasReconstruction() {
        return windowed != null ? windowed.hasReconstruction() : signature.reconstructionAvailable();
    }

    /** The latent code's width; 0 for a windowed model (its code is not served). */
    @Override
    public int latentWidth() {
        return windowed != null ? 0 : signature.latentWidth();
    }

    /** For a windowed model: whether its graph reads {@value ModelContract#INPUT_ENTITY_STATS}. */
    @Override
    public boolean takesEntityStats() {
        return windowed != null && windowed.takesEntityStats();
    }

    /**
     * Scores windows through ONNX Runtime without per-row allocation: this thread's direct buffers and pinned
     * outputs, one session call per batch, as {@link #score(float[], int, float[], float[])} does for records.
     */
    @Override
    public void scoreWindows(float[] windows, float[] stats, int rows, float[] score, float[] featureErrors,
                             float[] reconstruction) {
        if (windowed == null) {
            ServableModel.super.scoreWindows(windows, stats, rows, score, featureErrors, reconstruction);
            return;
        }
        Scorer.checkWindowArrays(this, windows, stats, rows, score, featureErrors, reconstruction);
        ensureOpen();
        if (rows == 1) {
            scoreOneWindow(windows, stats, score, featureErrors, reconstruction);
            return;
        }
        windowed.score(windows, stats, rows, score, featureErrors, reconstruction);
    }

    /**
     * One window is scored as a batch of two copies of it: ONNX Runtime takes another kernel path for a single
     * row (measured: feature errors off by an ulp against the same window in any larger batch), and an entity's
     * likelihood folds those errors in, so a replay after a crash, whose batches differ, would drift from the
     * uninterrupted run. From two rows on, a row's outputs do not depend on its batch
     * ({@code WindowedBatchInvarianceTest}).
     */
    private void scoreOneWindow(float[] windows, float[] stats, float[] score, float[] featureErrors, float[] reconstruction) {
        int cells = metadata.window() * metadata.features().size();
        int f = metadata.features().size();
        float[] twoWindows = new float[2 * cells];
        System.arraycopy(windows, 0, twoWindows, 0, cells);
        System.arraycopy(windows, 0, twoWindows, cells, cells);
        float[] twoStats = null;
        if (stats != null) {
            twoStats = new float[4 * f];
            System.arraycopy(stats, 0, twoStats, 0, 2 * f);
            System.arraycopy(stats, 0, twoStats, 2 * f, 2 * f);
        }
        float[] twoScores = new float[2];
        float[] twoErrors = new float[2 * f];
        float[] twoRecon = reconstruction == null ? null : new float[2 * cells];
        windowed.score(twoWindows, twoStats, 2, twoScores, twoErrors, twoRecon);
        score[0] = twoScores[0];
        System.arraycopy(twoErrors, 0, featureErrors, 0, f);
        if (reconstruction != null) {
            System.arraycopy(twoRecon, 0, reconstruction, 0, cells);
        }
    }

    /** Refuses the per-record paths on a windowed model. */
    private void requirePerRecord() {
        if (windowed != null) {
            throw new UnsupportedOperationException("model " + metadata.version() + " is windowed ("
                    + dev.kade.series.SeriesSpec.KEY_WINDOW + "=" + metadata.window() + "): score windows with scoreWindows");
        }
    }

    /**
     * The {@value ModelContract#OUTPUT_RECONSTRUCTION} output (a foreign model's single output). Not a hot
     * path: allocates its tensors per call, and the scoring path never asks ONNX Runtime for this output.
     */
    @Override
    public float[][] reconstruct(float[][] rows) {
        requirePerRecord();
        if (!signature.reconstructionAvailable()) {
            return ServableModel.super.reconstruct(rows);
        }
        ensureOpen();
        return optionalOutputs.fetch(rows, signature.reconstructionOutput(), signature.width());
    }

    /** The {@value ModelContract#OUTPUT_LATENT} output. Not a hot path (see {@link #score(float[], int, float[], float[], float[])}). */
    @Override
    public float[][] latent(float[][] rows) {
        if (latentWidth() == 0) {
            return ServableModel.super.latent(rows);
        }
        ensureOpen();
        return optionalOutputs.fetch(rows, ModelContract.OUTPUT_LATENT, signature.latentWidth());
    }

    @Override
    public Scores score(float[][] rows) {
        Objects.requireNonNull(rows, "rows");
        requirePerRecord();
        int width = signature.width();
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
        requirePerRecord();
        int width = signature.width();
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
        int latentWidth = latentWidth();
        if (latentWidth == 0) {
            throw new UnsupportedOperationException("model " + metadata.version() + " has no " + ModelContract.OUTPUT_LATENT + " output");
        }
        Objects.requireNonNull(latent, "latent");
        int width = signature.width();
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
        ensureOpen();
        if (signature.fixedBatch() == 1) {
            for (int i = 0; i < rows; i++) {
                run(features, i, 1, score, featureErrors, latent);
            }
        } else {
            run(features, 0, rows, score, featureErrors, latent);
        }
    }

    /** Runs rows {@code first .. first + n} through the session; the latent output too when {@code latent} is not null. */
    private void run(float[] features, int first, int n, float[] score, float[] featureErrors, float[] latent) {
        PinnedBuffers.Batch b = buffers.batch(n);
        int width = signature.width();
        int from = first * width;
        b.input.put(0, features, from, n * width);
        try (OrtSession.Result ignored = session.run(b.inputs, latent == null ? b.outputs : b.outputsWithLatent)) {
            if (latent != null) {
                int latentWidth = signature.latentWidth();
                b.latent.get(0, latent, first * latentWidth, n * latentWidth);
            }
            if (signature.reconstructionOnly()) {
                reconstructionScore.score(features, first, n, b.first, score, featureErrors);
            } else {
                b.first.get(0, score, first, n);
                b.second.get(0, featureErrors, from, n * width);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to score a batch of " + n + ": " + e.getMessage(), e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("model " + metadata.version() + " is closed");
        }
    }

    /** Releases the native session and buffers. The shared {@link OrtEnvironment} stays, as ONNX Runtime intends. */
    @Override
    public void close() {
        closed = true;
        if (windowed != null) {
            windowed.close();
        } else {
            buffers.close();
        }
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("failed to close ONNX session for " + source, e);
        }
    }
}
