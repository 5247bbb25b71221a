package dev.kade.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelKind;
import dev.kade.series.Normalisation;
import dev.kade.series.SeriesSpec;
import dev.kade.series.SeriesWindows;
import dev.kade.train.SeriesFixtures;
import dev.kade.train.WindowedModel;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The windowed export, run by ONNX Runtime, agrees with the Java forward pass of {@link WindowedModel}. */
class WindowedExportParityTest {
    static final double TOLERANCE = 1e-4;

    @ParameterizedTest(name = "{0} mixed={1} {2} clip={3} seasonal={4}")
    @CsvSource({"AE,false,EWM,0,false", "VAE,false,CUMULATIVE,10,false", "AE,true,CUMULATIVE,2,false", "AE,false,NONE,0,false",
        "AE,true,CUMULATIVE,10,true"})
    void onnxRuntimeAgreesWithJavaOnScoresErrorsAndRawReconstruction(ModelKind kind, boolean mixed, Normalisation n,
                                                                     double clip, boolean seasonal) throws OrtException {
        SeriesSpec spec = new SeriesSpec(6, 2, n, 24, 1e-6, 1e-3, clip).withSeasonal(seasonal
                ? java.util.Optional.of(dev.kade.series.SeasonalSpec.hourOfWeek(java.time.ZoneOffset.UTC)) : java.util.Optional.empty());
        WindowedModel model = SeriesFixtures.train(spec, kind, mixed);
        Parity p = parity(model, SeriesFixtures.windows(spec, 4, 40, 31));
        assertThat(p.maxScore).isLessThan(TOLERANCE);
        assertThat(p.maxErrors).isLessThan(TOLERANCE);
        assertThat(p.maxReconstructionRelative).isLessThan(TOLERANCE);
        System.out.printf("windowed parity %s mixed=%s %s clip=%s seasonal=%s over %d windows: score %.3g, feature_errors %.3g, "
                + "reconstruction (relative to max(1,|value|)) %.3g%n", kind, mixed, n, clip, seasonal, p.rows, p.maxScore, p.maxErrors,
                p.maxReconstructionRelative);
    }

    @Test
    void declaresTheWindowInputsOutputsAndSeriesMetadata() throws OrtException {
        SeriesSpec spec = new SeriesSpec(6, 2, Normalisation.EWM, 24, 1e-6, 1e-3, 10);
        WindowedModel model = SeriesFixtures.train(spec, ModelKind.AE, true);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(WindowedExporter.toProto(model).toByteArray(), new OrtSession.SessionOptions())) {
            assertThat(s.getInputNames()).containsExactlyInAnyOrder(ModelContract.INPUT, WindowedExporter.INPUT_ENTITY_STATS);
            assertThat(s.getOutputNames()).contains(ModelContract.OUTPUT_SCORE, ModelContract.OUTPUT_FEATURE_ERRORS,
                    ModelContract.OUTPUT_RECONSTRUCTION, ModelContract.OUTPUT_LATENT);
            assertThat(shape(s.getInputInfo().get(ModelContract.INPUT).getInfo())).containsExactly(-1, 6, 2);
            assertThat(shape(s.getInputInfo().get(WindowedExporter.INPUT_ENTITY_STATS).getInfo())).containsExactly(-1, 2, 2);
            assertThat(shape(s.getOutputInfo().get(ModelContract.OUTPUT_SCORE).getInfo())).containsExactly(-1);
            assertThat(shape(s.getOutputInfo().get(ModelContract.OUTPUT_FEATURE_ERRORS).getInfo())).containsExactly(-1, 2);
            assertThat(shape(s.getOutputInfo().get(ModelContract.OUTPUT_RECONSTRUCTION).getInfo())).containsExactly(-1, 6, 2);
            Map<String, String> meta = s.getMetadata().getCustomMetadata();
            assertThat(meta).containsEntry(SeriesSpec.KEY_WINDOW, "6").containsEntry(SeriesSpec.KEY_STATS, "ewm")
                    .containsEntry(ModelContract.KEY_FEATURES, "[\"v0\",\"v1\"]").containsEntry(ModelContract.KEY_KIND, "ensemble");
            assertThat(SeriesSpec.fromMetadata(meta, 2)).isEqualTo(spec);
        }
    }

    private static long[] shape(ai.onnxruntime.ValueInfo info) {
        return ((ai.onnxruntime.TensorInfo) info).getShape();
    }

    /** Largest differences between ONNX Runtime and the Java forward pass over every window of {@code w}. */
    static Parity parity(WindowedModel model, SeriesWindows w) throws OrtException {
        SeriesSpec spec = model.spec();
        int n = w.size();
        int width = spec.width();
        int f = spec.features();
        boolean stats = spec.normalisation() != Normalisation.NONE;
        float[] windows = new float[n * width];
        float[] meanScale = new float[n * 2 * f];
        for (int i = 0; i < n; i++) {
            System.arraycopy(w.windows()[i], 0, windows, i * width, width);
            System.arraycopy(w.stats()[i], 0, meanScale, i * 2 * f, 2 * f);
        }
        // put a spike into every fifth window, so that large errors are compared too
        for (int i = 0; i < n; i += 5) {
            windows[i * width + width - 1 - (i % f)] *= 2.5f;
        }
        float[] score = new float[n];
        float[] errors = new float[n * f];
        float[] recon = new float[n * width];
        model.scoreWindows(windows, stats ? meanScale : null, n, score, errors, recon);

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(WindowedExporter.toProto(model).toByteArray(), new OrtSession.SessionOptions());
             OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(windows), new long[] {n, spec.window(), f});
             OnnxTensor st = OnnxTensor.createTensor(env, FloatBuffer.wrap(meanScale), new long[] {n, 2, f})) {
            Map<String, OnnxTensor> in = new HashMap<>();
            in.put(ModelContract.INPUT, x);
            if (stats) {
                in.put(WindowedExporter.INPUT_ENTITY_STATS, st);
            }
            try (OrtSession.Result r = s.run(in)) {
                float[] os = ((OnnxTensor) r.get(ModelContract.OUTPUT_SCORE).get()).getFloatBuffer().array();
                float[] oe = ((OnnxTensor) r.get(ModelContract.OUTPUT_FEATURE_ERRORS).get()).getFloatBuffer().array();
                float[] or = ((OnnxTensor) r.get(ModelContract.OUTPUT_RECONSTRUCTION).get()).getFloatBuffer().array();
                Parity p = new Parity(n);
                for (int i = 0; i < n; i++) {
                    p.maxScore = Math.max(p.maxScore, relative(os[i], score[i]));
                }
                for (int k = 0; k < errors.length; k++) {
                    p.maxErrors = Math.max(p.maxErrors, relative(oe[k], errors[k]));
                }
                for (int k = 0; k < recon.length; k++) {
                    p.maxReconstructionRelative = Math.max(p.maxReconstructionRelative,
                            Math.abs(or[k] - recon[k]) / Math.max(1, Math.abs(windows[k])));
                }
                return p;
            }
        }
    }

    /** |a − b| / max(1, |b|): absolute for small values, relative for large ones. */
    static double relative(float a, float b) {
        return Math.abs(a - b) / Math.max(1, Math.abs(b));
    }

    static final class Parity {
        final int rows;
        double maxScore;
        double maxErrors;
        double maxReconstructionRelative;

        Parity(int rows) {
            this.rows = rows;
        }
    }
}
