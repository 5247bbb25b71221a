package dev.kade.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.features.DataSet;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelKind;
import dev.kade.model.Scores;
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
            }
        }
    }

    /** Absolute 1e-4, relative for values above 1 (float32 carries about 7 significant digits). */
    private static void assertClose(float actual, float expected, String what) {
        double tol = TOLERANCE * Math.max(1, Math.abs(expected));
        assertThat((double) actual).as(what).isCloseTo(expected, org.assertj.core.data.Offset.offset(tol));
    }
}
