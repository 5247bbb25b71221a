package dev.kade.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kade.features.DataSet;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelFiles;
import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ModelProbe;
import dev.kade.model.ScoreDistribution;
import dev.kade.onnx.OnnxModel;
import dev.kade.train.Standardizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes a foreign reconstruction-only model (a plain PyTorch or Keras ONNX export) servable: scores normal
 * data through it, exactly as the stream will, and writes the sidecar {@code MODEL.onnx.kade.json} with
 * feature names, kind {@code reconstruction}, threshold, score quantiles, optional per-feature scales,
 * a version and a {@link ModelProbe} of the calibration rows (which the scorer re-scores at load). The sidecar is written atomically, so a watching scorer sees the old or the new one.
 */
public final class ForeignModelCalibrator {
    private static final int BATCH = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ForeignModelCalibrator() {
    }

    /** What calibration produced. */
    public record Result(ModelMetadata metadata, Path sidecar, int rows) {
    }

    /**
     * Calibrates {@code model} on {@code normal} rows (held-out normal data, in the model's input order).
     *
     * @param thresholdQuantile quantile of the normal scores used as the threshold, in [0.5, 1)
     * @param scaleByStd        divide each feature's squared error by that feature's variance in {@code normal},
     *                          so that features on large scales do not drown the others
     * @param version           version string alerts will name
     */
    public static Result calibrate(Path model, DataSet normal, double thresholdQuantile, boolean scaleByStd,
                                   String version, Clock clock) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(normal, "normal");
        if (!(thresholdQuantile >= ModelContract.MIN_THRESHOLD_PROBABILITY && thresholdQuantile < 1)) {
            // below the median the model would alert on most normal records, and the scorer refuses it
            throw new IllegalArgumentException("threshold quantile must be in [" + ModelContract.MIN_THRESHOLD_PROBABILITY
                    + ",1), got " + thresholdQuantile);
        }
        if (normal.size() < 10) {
            throw new IllegalArgumentException("calibration needs at least 10 normal rows, got " + normal.size());
        }
        Optional<double[]> scales = scaleByStd ? Optional.of(standardDeviations(normal)) : Optional.empty();
        ModelMetadata provisional = new ModelMetadata(normal.features(), ModelKind.RECONSTRUCTION, 0,
                new ScoreDistribution(new double[] {0, 1}, new double[] {0, 0}), normal.fingerprint(),
                clock.instant(), version, scales);
        double[] scores = new double[normal.size()];
        try (OnnxModel onnx = OnnxModel.load(model, Optional.of(provisional))) {
            if (!onnx.reconstructionOnly()) {
                throw new IllegalArgumentException(model + " already has the contract outputs " + ModelContract.OUTPUT_SCORE
                        + " and " + ModelContract.OUTPUT_FEATURE_ERRORS + "; it needs no calibration");
            }
            float[][] rows = normal.rows();
            for (int from = 0; from < rows.length; from += BATCH) {
                float[][] batch = Arrays.copyOfRange(rows, from, Math.min(rows.length, from + BATCH));
                float[] s = onnx.score(batch).score();
                for (int i = 0; i < s.length; i++) {
                    scores[from + i] = s[i];
                }
            }
        }
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        double threshold = ScoreDistribution.quantile(sorted, thresholdQuantile);
        ModelMetadata metadata = new ModelMetadata(normal.features(), ModelKind.RECONSTRUCTION, threshold,
                ScoreDistribution.fromScores(scores), normal.fingerprint(), clock.instant(), version, scales,
                Optional.of(ModelProbe.sample(normal.rows(), scores))).withFeatureBinsOf(normal.rows());
        Path sidecar = ModelFiles.sidecar(model);
        writeAtomically(sidecar, metadata.toOnnxMetadata());
        return new Result(metadata, sidecar, normal.size());
    }

    /** Per-feature standard deviation, as the trainer's standard scaling computes it (1 for a constant feature). */
    private static double[] standardDeviations(DataSet data) {
        int[] all = java.util.stream.IntStream.range(0, data.size()).toArray();
        float[] scale = Standardizer.fit(data.rows(), all, Standardizer.Scaling.STANDARD).scale();
        double[] std = new double[scale.length];
        for (int j = 0; j < scale.length; j++) {
            std[j] = scale[j];
        }
        return std;
    }

    private static void writeAtomically(Path file, Map<String, String> metadata) {
        ObjectNode node = JSON.createObjectNode();
        metadata.forEach(node::put);
        try {
            Path dir = file.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, ".kade-sidecar-", ".tmp");
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write sidecar " + file, e);
        }
    }
}
