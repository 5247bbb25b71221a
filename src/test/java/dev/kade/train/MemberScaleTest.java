package dev.kade.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kade.features.DataSet;
import dev.kade.model.ModelKind;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MemberScaleTest {

    @Test
    void defaultFitCentresOnTheMedianAndScalesByTheInterquartileRange() {
        // sorted 1..9: median 5, quartiles 3 and 7 (linear interpolation), IQR 4
        double[] scores = {9, 1, 8, 2, 7, 3, 6, 4, 5};
        MemberScale s = MemberScale.fit(scores, false, new double[0]);
        assertThat(s.center()).isEqualTo(5.0);
        assertThat(s.spread()).isCloseTo(4 / 1.349, within(1e-12));
        assertThat(s.errorScale()).isEqualTo(5.0); // feature errors keep the mean score as divisor
        assertThat(s.score(5)).isEqualTo(0.0);
        assertThat(s.score(7)).isCloseTo(1.349 * 2 / 4, within(1e-12));
    }

    @Test
    void meanSdFitIsTheZScore() {
        double[] scores = {1, 2, 3, 4, 10};
        MemberScale s = MemberScale.fit(scores, false, new double[0], MemberScale.Fit.MEAN_SD);
        double mean = 4;
        double sd = Math.sqrt((9 + 4 + 1 + 0 + 36) / 5.0);
        assertThat(s.center()).isEqualTo(mean);
        assertThat(s.spread()).isCloseTo(sd, within(1e-12));
    }

    @Test
    void aFewExtremeValidationScoresBarelyMoveTheRobustScaleButDecideTheStandardDeviation() {
        SplittableRandom rng = new SplittableRandom(3);
        double[] bulk = new double[400];
        for (int i = 0; i < bulk.length; i++) {
            bulk[i] = Math.exp(0.5 * rng.nextGaussian()); // log-normal, like reconstruction errors of normal rows
        }
        double[] withTail = Arrays.copyOf(bulk, bulk.length + 4);
        for (int i = bulk.length; i < withTail.length; i++) {
            withTail[i] = 60; // four hard normal rows drawn into this validation split
        }
        MemberScale robust = MemberScale.fit(bulk, false, new double[0]);
        MemberScale robustTail = MemberScale.fit(withTail, false, new double[0]);
        MemberScale z = MemberScale.fit(bulk, false, new double[0], MemberScale.Fit.MEAN_SD);
        MemberScale zTail = MemberScale.fit(withTail, false, new double[0], MemberScale.Fit.MEAN_SD);
        assertThat(robustTail.spread() / robust.spread()).isBetween(0.95, 1.05);
        assertThat(zTail.spread() / z.spread()).isGreaterThan(3.0);
    }

    @Test
    void degenerateScoresFallBackToTheStandardDeviationThenToOne() {
        double[] mostlyEqual = {2, 2, 2, 2, 2, 2, 2, 2, 2, 12};
        MemberScale s = MemberScale.fit(mostlyEqual, false, new double[0]);
        assertThat(s.center()).isEqualTo(2.0);
        assertThat(s.spread()).isCloseTo(3.0, within(1e-12)); // IQR 0 → sd of {2×9, 12} = 3
        MemberScale constant = MemberScale.fit(new double[] {4, 4, 4}, false, new double[0]);
        assertThat(constant.spread()).isEqualTo(1.0);
        assertThat(constant.score(5)).isEqualTo(1.0);
        assertThatThrownBy(() -> MemberScale.fit(new double[0], false, new double[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void logFitUsesTheTransformedScores() {
        double[] scores = {Math.E - MemberScale.LOG_OFFSET, 1 - MemberScale.LOG_OFFSET, Math.exp(2) - MemberScale.LOG_OFFSET};
        MemberScale s = MemberScale.fit(scores, true, new double[0]);
        assertThat(s.center()).isCloseTo(1.0, within(1e-9));
        assertThat(s.score(Math.E - MemberScale.LOG_OFFSET)).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void everyEnsembleMemberHasMedianZeroAndUnitRobustSpreadOnTheValidationRows() {
        DataSet data = Fixtures.correlated(500, 5, 11);
        TrainConfig config = Fixtures.quick(ModelKind.AE).toBuilder().ensemble(4).mixed(true).build();
        TrainedEnsemble model = new Trainer().trainEnsemble(data, config, ProgressListener.NONE);
        DataSplit split = DataSplit.random(data.size(), config.validationSplit(), new SplittableRandom(config.seed()));
        float[][] valRows = Arrays.stream(split.validation()).mapToObj(i -> data.rows()[i]).toArray(float[][]::new);
        for (int k = 0; k < model.size(); k++) {
            TrainedModel m = model.members().get(k);
            MemberScale s = model.scales().get(k);
            dev.kade.model.Scores raw = m.score(valRows);
            double[] scaled = new double[valRows.length];
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] = s.score((float) s.memberScore(raw.score()[i], raw.featureErrors()[i]));
            }
            Arrays.sort(scaled);
            assertThat(s.weighted()).as("member %d", k).isEqualTo(m.network().kind() == ModelKind.AE);
            assertThat(dev.kade.model.ScoreDistribution.quantile(scaled, 0.5)).as("median of member %d", k).isCloseTo(0, within(1e-5));
            double iqr = dev.kade.model.ScoreDistribution.quantile(scaled, 0.75) - dev.kade.model.ScoreDistribution.quantile(scaled, 0.25);
            assertThat(iqr).as("IQR of member %d", k).isCloseTo(1.349, within(1e-4));
        }
    }
}
