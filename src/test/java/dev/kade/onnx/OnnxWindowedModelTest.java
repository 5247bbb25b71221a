package dev.kade.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import dev.kade.export.OnnxExporter;
import dev.kade.export.WindowedExporter;
import dev.kade.model.InvalidModelException;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ScoreDistribution;
import dev.kade.series.Normalisation;
import dev.kade.series.SeriesSpec;
import dev.kade.series.SeriesWindows;
import dev.kade.train.SeriesFixtures;
import dev.kade.train.WindowedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Windowed models served through ONNX Runtime: kade's own, a third-party one without entity_stats, and lies. */
class OnnxWindowedModelTest {
    private static final SeriesSpec SPEC = new SeriesSpec(6, 2, Normalisation.CUMULATIVE, 24, 1e-6, 1e-3, 10);
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    @Test
    void servesKadesWindowedEnsembleAsTheJavaForwardPassScoresIt() throws Exception {
        WindowedModel trained = SeriesFixtures.train(SPEC, ModelKind.AE, true);
        Path file = dir.resolve("windowed.onnx");
        WindowedExporter.export(trained, file);
        SeriesWindows w = SeriesFixtures.windows(SPEC, 4, 30, 77);
        int n = w.size();
        int cells = SPEC.width();
        float[] windows = new float[n * cells];
        float[] stats = new float[n * 4];
        for (int i = 0; i < n; i++) {
            System.arraycopy(w.windows()[i], 0, windows, i * cells, cells);
            System.arraycopy(w.stats()[i], 0, stats, i * 4, 4);
        }
        float[] expectedScore = new float[n];
        float[] expectedErrors = new float[n * 2];
        float[] expectedRecon = new float[n * cells];
        trained.scoreWindows(windows, stats, n, expectedScore, expectedErrors, expectedRecon);
        try (OnnxModel model = OnnxModel.load(file)) {
            assertThat(model.verification()).isEqualTo(ModelContract.Verification.VERIFIED);
            assertThat(model.window()).isEqualTo(6);
            assertThat(model.takesEntityStats()).isTrue();
            assertThat(model.hasReconstruction()).isTrue();
            assertThat(model.metadata()).isEqualTo(trained.metadata());
            for (int batch : new int[] {1, 3, n}) {
                float[] score = new float[n];
                float[] errors = new float[n * 2];
                float[] recon = new float[n * cells];
                for (int first = 0; first < n; first += batch) {
                    int m = Math.min(batch, n - first);
                    float[] s = new float[m];
                    float[] e = new float[m * 2];
                    float[] r = new float[m * cells];
                    model.scoreWindows(java.util.Arrays.copyOfRange(windows, first * cells, (first + m) * cells),
                            java.util.Arrays.copyOfRange(stats, first * 4, (first + m) * 4), m, s, e, r);
                    System.arraycopy(s, 0, score, first, m);
                    System.arraycopy(e, 0, errors, first * 2, m * 2);
                    System.arraycopy(r, 0, recon, first * cells, m * cells);
                }
                for (int i = 0; i < n; i++) {
                    assertThat((double) score[i]).isCloseTo(expectedScore[i], org.assertj.core.api.Assertions.within(TOLERANCE * Math.max(1, expectedScore[i])));
                }
                for (int k = 0; k < errors.length; k++) {
                    assertThat((double) errors[k]).isCloseTo(expectedErrors[k], org.assertj.core.api.Assertions.within(TOLERANCE * Math.max(1, expectedErrors[k])));
                }
                for (int k = 0; k < recon.length; k++) {
                    assertThat((double) recon[k]).isCloseTo(expectedRecon[k], org.assertj.core.api.Assertions.within(TOLERANCE * Math.max(1, Math.abs(windows[k]))));
                }
            }
            // a windowed model needs its entities' statistics, and is not a per-record model
            assertThatThrownBy(() -> model.scoreWindows(windows, null, 1, new float[1], new float[2]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entity_stats");
            assertThatThrownBy(() -> model.scoreWindows(windows, stats, n + 1, new float[n + 1], new float[2 * n + 2]))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> model.score(new float[][] {{1, 2}})).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void servesAThirdPartyWindowedModelThatTakesOnlyTheWindow() throws Exception {
        Path file = dir.resolve("lstm-like.onnx");
        Files.write(file, foreignWindowed(4, 3, false, meta(4, 3, null)));
        try (OnnxModel model = OnnxModel.load(file)) {
            assertThat(model.verification()).isEqualTo(ModelContract.Verification.NO_PROBE);
            assertThat(model.window()).isEqualTo(4);
            assertThat(model.takesEntityStats()).isFalse();
            assertThat(model.hasReconstruction()).isFalse();
            float[] windows = new float[2 * 12];
            for (int k = 0; k < 12; k++) {
                windows[k] = 1;
                windows[12 + k] = k % 3 == 1 ? 2 : 0;    // feature 1 is 2 at every step of window 1
            }
            float[] score = new float[2];
            float[] errors = new float[6];
            model.scoreWindows(windows, null, 2, score, errors);
            // the graph: feature_errors = mean over steps of x², score = their mean
            assertThat(errors).containsExactly(1, 1, 1, 0, 4, 0);
            assertThat(score).containsExactly(1, 4f / 3);
        }
    }

    @Test
    void refusesWindowedModelsWhoseGraphContradictsTheirMetadata() throws Exception {
        assertRefused(foreignWindowed(3, 3, false, meta(4, 3, null)), "expected [N,4,3]");
        assertRefused(foreignWindowed(4, 3, true, meta(4, 3, null)), "names no per-entity normalisation");
        assertRefused(foreignWindowed(4, 3, false, meta(4, 3, "cumulative")), "has no 'entity_stats' input");
        Map<String, String> reconstruction = meta(4, 3, null);
        reconstruction.put(ModelContract.KEY_KIND, "reconstruction");
        assertRefused(foreignWindowed(4, 3, false, reconstruction), "per-record foreign models");
        // a per-record kade model relabelled as windowed
        WindowedModel trained = SeriesFixtures.train(SPEC, ModelKind.AE, false);
        OnnxMl.ModelProto perRecord = OnnxExporter.toProto(trained.inner());
        OnnxMl.ModelProto.Builder relabelled = perRecord.toBuilder().clearMetadataProps();
        trained.metadata().toOnnxMetadata().forEach((k, v) -> relabelled.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        assertRefused(relabelled.build().toByteArray(), "input 'features' has shape [-1, 12], expected [N,6,2]");
        // a windowed graph whose probe scores were copied from elsewhere
        OnnxMl.ModelProto good = WindowedExporter.toProto(trained);
        OnnxMl.ModelProto.Builder lying = good.toBuilder().clearMetadataProps();
        for (OnnxMl.StringStringEntryProto e : good.getMetadataPropsList()) {
            String v = e.getKey().equals(ModelContract.KEY_PROBE)
                    ? trained.probe().toJson().replace("\"scores\":[", "\"scores\":[9") : e.getValue();
            lying.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(v));
        }
        assertRefused(lying.build().toByteArray(), ModelContract.KEY_PROBE);
    }

    private void assertRefused(byte[] onnx, String reason) throws Exception {
        Path file = Files.write(Files.createTempFile(dir, "lie", ".onnx"), onnx);
        assertThatThrownBy(() -> OnnxModel.load(file).close()).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining(reason);
    }

    /** Metadata of a foreign windowed AE over features a, b, c...; {@code stats} null = no normalisation key. */
    private static Map<String, String> meta(int w, int f, String stats) {
        List<String> features = List.of("a", "b", "c", "d", "e").subList(0, f);
        Map<String, String> m = new LinkedHashMap<>(new ModelMetadata(features, ModelKind.AE, 2.0,
                new ScoreDistribution(new double[] {0, 0.5, 1}, new double[] {0, 1, 5}), "foreign", Instant.EPOCH,
                "lstm-1").toOnnxMetadata());
        m.put(SeriesSpec.KEY_WINDOW, Integer.toString(w));
        if (stats != null) {
            m.put(SeriesSpec.KEY_STATS, stats);
        }
        return m;
    }

    /**
     * A third-party windowed model as a PyTorch export would give it: input {@code features} [N,W,F] (and, when
     * asked, an unused {@code entity_stats} [N,2,F]); {@code feature_errors = ReduceMean(x², axis 1)} [N,F],
     * {@code score = ReduceMean(feature_errors, axis 1)} [N].
     */
    static byte[] foreignWindowed(int w, int f, boolean withStats, Map<String, String> metadata) {
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("foreign_window")
                .addInput(info("features", -1, w, f));
        if (withStats) {
            g.addInput(info("entity_stats", -1, 2, f));
        }
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Mul").addInput("features").addInput("features").addOutput("sq"));
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("ReduceMean").addInput("sq").addOutput("feature_errors")
                .addAttribute(ints("axes", 1)).addAttribute(OnnxMl.AttributeProto.newBuilder().setName("keepdims")
                        .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(0)));
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("ReduceMean").addInput("feature_errors").addOutput("score")
                .addAttribute(ints("axes", 1)).addAttribute(OnnxMl.AttributeProto.newBuilder().setName("keepdims")
                        .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(0)));
        g.addOutput(info("score", -1)).addOutput(info("feature_errors", -1, f));
        OnnxMl.ModelProto.Builder m = OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("pytorch-like")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g);
        metadata.forEach((k, v) -> m.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build().toByteArray();
    }

    private static OnnxMl.AttributeProto ints(String name, long... v) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static OnnxMl.ValueInfoProto info(String name, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .setShape(shape))).build();
    }
}
