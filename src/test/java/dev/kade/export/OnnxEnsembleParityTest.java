package dev.kade.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.features.DataSet;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelKind;
import dev.kade.model.ScoreDistribution;
import dev.kade.model.Scores;
import dev.kade.onnx.OnnxModel;
import dev.kade.train.Fixtures;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainConfig;
import dev.kade.train.TrainedEnsemble;
import dev.kade.train.Trainer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A K-member ensemble exported as one graph: ONNX Runtime agrees with the Java forward pass, the contract holds. */
class OnnxEnsembleParityTest {
    private static final double TOLERANCE = 1e-4;
    private static final int F = 7;

    @TempDir
    Path dir;

    @Test
    void mixedEnsembleGraphAgreesWithJavaAndKeepsTheContract() {
        DataSet data = Fixtures.correlated(600, F, 3);
        TrainConfig config = Fixtures.quick(ModelKind.AE).toBuilder().ensemble(3).mixed(true).build();
        TrainedEnsemble model = new Trainer().trainEnsemble(data, config, ProgressListener.NONE);
        assertThat(model.members()).extracting(m -> m.network().kind()).containsExactly(ModelKind.AE, ModelKind.AE, ModelKind.VAE);
        Path file = dir.resolve("ensemble.onnx");
        OnnxExporter.export(model, file);

        DataSet probe = Fixtures.correlated(64, F, 99);
        float[][] rows = probe.rows();
        for (int i = 0; i < rows.length; i += 4) {
            rows[i][i % F] += 25f * (i % F + 1); // features are on scales 1..F
        }
        try (OnnxModel onnx = OnnxModel.load(file)) {
            assertThat(onnx.metadata()).isEqualTo(model.metadata());
            assertThat(onnx.metadata().kind()).isEqualTo(ModelKind.ENSEMBLE);
            for (int batch : new int[] {1, 3, 64}) {
                float[][] part = Arrays.copyOf(rows, batch);
                Scores expected = model.score(part);
                Scores actual = onnx.score(part);
                for (int i = 0; i < batch; i++) {
                    assertClose(actual.score()[i], expected.score()[i], ModelContract.OUTPUT_SCORE);
                    for (int j = 0; j < F; j++) {
                        assertClose(actual.featureErrors()[i][j], expected.featureErrors()[i][j], ModelContract.OUTPUT_FEATURE_ERRORS);
                    }
                }
                OnnxExportParityTest.assertOptionalOutputsAgree(onnx, model, part);
            }
            // the code is the first VAE member's μ, and the reconstruction the mean of the members'
            assertThat(model.latentMember()).isEqualTo(2);
            assertThat(onnx.latentWidth()).isEqualTo(model.members().get(2).network().latent());
            float[][] memberCode = model.members().get(2).latent(rows);
            float[][] code = onnx.latent(rows);
            float[][] mean = new float[rows.length][F];
            for (var m : model.members()) {
                float[][] r = m.reconstruct(rows);
                for (int i = 0; i < rows.length; i++) {
                    for (int j = 0; j < F; j++) {
                        mean[i][j] += r[i][j] / model.size();
                    }
                }
            }
            float[][] recon = onnx.reconstruct(rows);
            for (int i = 0; i < rows.length; i++) {
                for (int k = 0; k < memberCode[i].length; k++) {
                    assertClose(code[i][k], memberCode[i][k], ModelContract.OUTPUT_LATENT);
                }
                for (int j = 0; j < F; j++) {
                    assertClose(recon[i][j], mean[i][j], ModelContract.OUTPUT_RECONSTRUCTION);
                }
            }
            // the combined feature errors still name the feature that was pushed off
            Scores all = onnx.score(rows);
            for (int i = 0; i < rows.length; i += 4) {
                float[] e = all.featureErrors()[i];
                int worst = 0;
                for (int j = 1; j < F; j++) {
                    if (e[j] > e[worst]) {
                        worst = j;
                    }
                }
                assertThat(worst).as("row %d", i).isEqualTo(i % F);
                assertThat((double) all.score()[i]).isGreaterThan(model.metadata().threshold());
            }
        }
    }

    @Test
    void thresholdAndQuantilesComeFromTheCombinedValidationScores() {
        DataSet data = Fixtures.correlated(400, F, 5);
        TrainedEnsemble model = new Trainer().trainEnsemble(data,
                Fixtures.quick(ModelKind.VAE).toBuilder().ensemble(2).build(), ProgressListener.NONE);
        double[] val = model.validationScores();
        double[] sorted = val.clone();
        Arrays.sort(sorted);
        assertThat(val).hasSize(80);
        assertThat(model.metadata().threshold()).isEqualTo(config(model).thresholdRule().threshold(val, config(model).thresholdQuantile()));
        assertThat(model.metadata().distribution().values()[0]).isEqualTo(sorted[0]);
        // members centred on their validation medians: the combined validation scores have a median near 0,
        // unlike any member's raw scores
        double median = dev.kade.model.ScoreDistribution.quantile(sorted, 0.5);
        assertThat(median).isBetween(-0.5, 0.5);
        assertThat(Arrays.stream(model.members().get(0).validationScores()).min().orElseThrow()).isPositive();
    }

    private static TrainConfig config(TrainedEnsemble m) {
        return m.config();
    }

    private static void assertClose(float actual, float expected, String what) {
        double tol = TOLERANCE * Math.max(1, Math.abs(expected));
        assertThat((double) actual).as(what).isCloseTo(expected, org.assertj.core.data.Offset.offset(tol));
    }
}
