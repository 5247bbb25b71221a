package dev.kade.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.features.DataSet;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelKind;
import dev.kade.model.Scores;
import dev.kade.onnx.OnnxModel;
import dev.kade.train.Fixtures;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainedModel;
import dev.kade.train.Trainer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OnnxExportParityTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = ModelKind.class, names = {"AE", "VAE"})
    void onnxRuntimeAgreesWithJavaForwardPassOnEveryOutputAndBatchSize(ModelKind kind) {
        DataSet data = Fixtures.correlated(600, 7, 3);
        TrainedModel model = new Trainer().train(data, Fixtures.quick(kind), ProgressListener.NONE);
        Path file = dir.resolve(kind.label() + ".onnx");
        OnnxExporter.export(model, file);

        // normal rows and far-off rows, so that both small and large scores are compared
        DataSet probe = Fixtures.correlated(64, 7, 99);
        float[][] rows = probe.rows();
        for (int i = 0; i < rows.length; i += 4) {
            rows[i][i % 7] += 25f;
        }
        try (OnnxModel onnx = OnnxModel.load(file)) {
            assertThat(onnx.metadata()).isEqualTo(model.metadata());
            for (int batch : new int[] {1, 3, 64}) {
                float[][] part = Arrays.copyOf(rows, batch);
                Scores expected = model.score(part);
                Scores actual = onnx.score(part);
                for (int i = 0; i < batch; i++) {
                    assertClose(actual.score()[i], expected.score()[i], ModelContract.OUTPUT_SCORE);
                    for (int j = 0; j < 7; j++) {
                        assertClose(actual.featureErrors()[i][j], expected.featureErrors()[i][j], ModelContract.OUTPUT_FEATURE_ERRORS);
                    }
                }
                assertOptionalOutputsAgree(onnx, model, part);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ModelKind.class, names = {"AE", "VAE"})
    void reconstructionIsInRawUnitsAndTheErrorsAreComputedFromIt(ModelKind kind) {
        DataSet data = Fixtures.correlated(600, 7, 3);
        TrainedModel model = new Trainer().train(data, Fixtures.quick(kind), ProgressListener.NONE);
        Path file = dir.resolve(kind.label() + ".onnx");
        OnnxExporter.export(model, file);
        float[][] rows = Fixtures.correlated(16, 7, 99).rows();
        rows[0][2] += 40f;
        float[] scale = model.standardizer().scale();
        double c = kind == ModelKind.AE ? 1 : 0.5;
        try (OnnxModel onnx = OnnxModel.load(file)) {
            assertThat(onnx.hasReconstruction()).isTrue();
            assertThat(onnx.latentWidth()).isEqualTo(3);
            float[][] recon = onnx.reconstruct(rows);
            Scores s = onnx.score(rows);
            for (int i = 0; i < rows.length; i++) {
                for (int j = 0; j < 7; j++) {
                    double d = (rows[i][j] - recon[i][j]) / scale[j];
                    assertThat((double) s.featureErrors()[i][j]).isCloseTo(c * d * d, org.assertj.core.data.Offset.offset(1e-3 * (1 + c * d * d)));
                }
            }
            // the pushed-off feature is reconstructed near where it normally lies, not where it was pushed
            assertThat((double) recon[0][2]).isLessThan(rows[0][2] - 20);
        }
    }

    /** reconstruction (raw units) and latent: ONNX Runtime agrees with the Java forward pass. */
    static void assertOptionalOutputsAgree(OnnxModel onnx, dev.kade.model.Scorer java, float[][] rows) {
        float[][] expectedRecon = java.reconstruct(rows);
        float[][] actualRecon = onnx.reconstruct(rows);
        float[][] expectedCode = java.latent(rows);
        float[][] actualCode = onnx.latent(rows);
        assertThat(actualCode[0]).hasSize(java.latentWidth());
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < rows[i].length; j++) {
                assertClose(actualRecon[i][j], expectedRecon[i][j], ModelContract.OUTPUT_RECONSTRUCTION);
            }
            for (int k = 0; k < expectedCode[i].length; k++) {
                assertClose(actualCode[i][k], expectedCode[i][k], ModelContract.OUTPUT_LATENT);
            }
        }
        // the scoring path that fetches the code too gives the same code and scores
        int n = rows.length;
        int f = rows[0].length;
        int l = onnx.latentWidth();
        float[] flat = new float[n * f];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows[i], 0, flat, i * f, f);
        }
        float[] score = new float[n];
        float[] errors = new float[n * f];
        float[] code = new float[n * l];
        onnx.score(flat, n, score, errors, code);
        Scores plain = onnx.score(rows);
        for (int i = 0; i < n; i++) {
            assertThat(score[i]).isEqualTo(plain.score()[i]);
            for (int k = 0; k < l; k++) {
                assertThat(code[i * l + k]).isEqualTo(actualCode[i][k]);
            }
        }
    }

    /** Absolute 1e-4, relative for values above 1 (float32 carries about 7 significant digits). */
    private static void assertClose(float actual, float expected, String what) {
        double tol = TOLERANCE * Math.max(1, Math.abs(expected));
        assertThat((double) actual).as(what).isCloseTo(expected, org.assertj.core.data.Offset.offset(tol));
    }
}
