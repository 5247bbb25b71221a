package dev.kade.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.features.ImputationPolicy;
import dev.kade.model.ScoreDistribution;
import dev.kade.testing.ShuttleModels;
import dev.kade.train.Fixtures;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate}'s warning for data unlike the training data, with real trained models: silent on the shipped
 * test split of the model's own data set, loud for a model whose feature names match but whose training data
 * was other data. (The thyroid default model on its test split: TrainThenEvaluateTest.)
 */
class FamiliarityCheckTest {
    private static final Path SHUTTLE_TEST = Fixtures.DATASETS.resolve("shuttle.test.csv");

    @TempDir
    Path dir;

    @Test
    void theTestSplitOfTheTrainingDataSetIsNotFlagged() {
        Evaluation e = evaluate(ShuttleModels.ae(), "shuttle-ae.onnx");

        print("shuttle AE on shuttle.test", e);
        assertThat(e.familiarity().normalRows()).isPositive();
        assertThat(e.familiarity().unlikeTraining()).isFalse();
        assertThat(e.warning()).isEmpty();
        assertThat(e.toJson().get("warnings")).isEmpty();
    }

    @Test
    void aModelTrainedOnOtherDataUnderTheSameColumnNamesIsFlagged() {
        Evaluation e = evaluate(ShuttleModels.relabelled(), "relabelled.onnx");

        print("relabelled AE on shuttle.test", e);
        assertThat(e.familiarity().unlikeTraining()).isTrue();
        assertThat(e.warning()).hasValueSatisfying(w -> assertThat(w).contains("shuttle.test.csv looks unlike the model's "
                + "training data").contains("normal rows (label 0)").contains("kade.score_quantiles"));
        assertThat(e.toJson().get("warnings")).hasSize(1);
    }

    @Test
    void comparesTheMedianOfTheNormalRowsOnlyWithTheStoredP99() {
        ScoreDistribution stored = ScoreDistribution.fromScores(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        // anomalies (label 1) score high by design and must not count
        FamiliarityCheck usual = FamiliarityCheck.of(stored, new double[] {4, 5, 6, 500, 600, 700, 800},
                new int[] {0, 0, 0, 1, 1, 1, 1});
        assertThat(usual.normalMedian()).isEqualTo(5);
        assertThat(usual.storedQuantile()).isCloseTo(9.9, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(usual.unlikeTraining()).isFalse();

        FamiliarityCheck far = FamiliarityCheck.of(stored, new double[] {5, 11, 12, 30}, new int[] {0, 0, 0, 1});
        assertThat(far.normalMedian()).isEqualTo(11);
        assertThat(far.unlikeTraining()).isTrue();

        FamiliarityCheck onlyAnomalies = FamiliarityCheck.of(stored, new double[] {50}, new int[] {1});
        assertThat(onlyAnomalies.normalRows()).isZero();
        assertThat(onlyAnomalies.warning("x.csv")).as("nothing to judge by").isEmpty();
    }

    private Evaluation evaluate(byte[] onnx, String name) {
        Path model = ShuttleModels.write(dir.resolve(name), onnx);
        return Evaluator.evaluate(model, SHUTTLE_TEST, "label", ImputationPolicy.FAIL);
    }

    private static void print(String what, Evaluation e) {
        System.out.printf(Locale.ROOT, "%s: normal median %.4g vs stored p99 %.4g (ratio %.3f), ROC-AUC %.4f%n", what,
                e.familiarity().normalMedian(), e.familiarity().storedQuantile(),
                e.familiarity().normalMedian() / e.familiarity().storedQuantile(), e.metrics().rocAuc());
    }
}
