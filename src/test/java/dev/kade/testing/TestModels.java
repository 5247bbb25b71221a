package dev.kade.testing;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kade.model.ModelContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;

/**
 * Real ONNX models for tests, built in Java: a reconstruction-only model {@code recon = x·W + b} with a
 * sidecar {@code MODEL.onnx.kade.json}, i.e. what a plain PyTorch or Keras export plus calibration looks
 * like. W projects onto the diagonal (all features equal), so records whose features agree reconstruct
 * almost perfectly and a record with one feature off by {@code d} scores about {@code 2d²/9 · ...}
 * (e.g. 14.2 for d = 8) against a threshold of {@value #THRESHOLD}.
 */
public final class TestModels {
    /** Features in column order; {@code memory.used} is a nested path. */
    public static final List<String> FEATURES = List.of("cpu", "memory.used", "latency_ms");
    public static final double THRESHOLD = 1.0;
    /** How far the anomalous feature is moved in {@link #anomaly}. */
    public static final double ANOMALY_OFFSET = 8.0;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestModels() {
    }

    /** Writes a model and its sidecar to {@code file} (replacing both atomically) and returns the file. */
    public static Path writeModel(Path file, String version) {
        return writeModel(file, version, FEATURES, THRESHOLD);
    }

    public static Path writeModel(Path file, String version, List<String> features, double threshold) {
        byte[] onnx = reconstructionModel(features.size());
        ObjectNode sidecar = JSON.createObjectNode();
        sidecar.put(ModelContract.KEY_CONTRACT_VERSION, "1");
        sidecar.set(ModelContract.KEY_FEATURES, JSON.valueToTree(features));
        sidecar.put(ModelContract.KEY_KIND, "reconstruction");
        sidecar.put(ModelContract.KEY_THRESHOLD, Double.toString(threshold));
        ObjectNode q = sidecar.putObject(ModelContract.KEY_SCORE_QUANTILES);
        q.set("p", JSON.valueToTree(new double[] {0, 0.5, 0.9, 0.99, 1.0}));
        // normal records score about 0.0015; the top point reaches above the thresholds tests use (1 and 2),
        // as kade refuses a threshold outside the stored score range
        q.set("v", JSON.valueToTree(new double[] {0, 0.0015, 0.003, 0.006, 4.0}));
        sidecar.put(ModelContract.KEY_MODEL_VERSION, version);
        sidecar.put(ModelContract.KEY_CREATED_AT, "2026-11-01T00:00:00Z");
        sidecar.put(ModelContract.KEY_FINGERPRINT, "test-" + version);
        try {
            Path sidecarFile = file.resolveSibling(file.getFileName() + ModelContract.SIDECAR_SUFFIX);
            atomicWrite(sidecarFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(sidecar));
            atomicWrite(file, onnx);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Replaces the model file with bytes that are not ONNX (the sidecar stays). */
    public static void corrupt(Path file) {
        try {
            atomicWrite(file, "this is not an onnx model".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ONNX bytes of {@code recon = x·W + b}, W = ones/F (projection onto the diagonal), b = 0. */
    public static byte[] reconstructionModel(int width) {
        ONNXContext ctx = new ONNXContext();
        ONNXPlaceholder input = ctx.floatInput("input", width);
        ONNXPlaceholder output = ctx.floatOutput("reconstruction", width);
        ONNXInitializer w = ctx.floatTensor("W", List.of(width, width), fb -> {
            for (int i = 0; i < width * width; i++) {
                fb.put(1f / width);
            }
        });
        ONNXInitializer b = ctx.array("b", new float[width]);
        input.apply(ONNXOperators.GEMM, List.of(w, b)).assignTo(output);
        OnnxMl.ModelProto model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("kade-tests")
                .setGraph(ctx.buildGraph())
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13).build())
                .build();
        return model.toByteArray();
    }

    /** A normal record: all features near one base value. */
    public static String normal(Random random) {
        double base = 1 + random.nextDouble() * 9;
        return record(base + noise(random), base + noise(random), base + noise(random));
    }

    /** An anomalous record: latency far from cpu and memory. */
    public static String anomaly(Random random) {
        double base = 1 + random.nextDouble() * 9;
        return record(base + noise(random), base + noise(random), base + ANOMALY_OFFSET);
    }

    /** A record with the given feature values (memory nested as the feature name says). */
    public static String record(double cpu, double memoryUsed, double latencyMs) {
        return String.format(Locale.ROOT, "{\"cpu\":%.4f,\"memory\":{\"used\":%.4f},\"latency_ms\":%.4f,\"host\":\"h1\"}",
                cpu, memoryUsed, latencyMs);
    }

    private static double noise(Random random) {
        return random.nextGaussian() * 0.05;
    }

    private static void atomicWrite(Path file, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".tmp-", ".part");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
