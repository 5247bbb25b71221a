package dev.kade.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AnomalyLikelihoodTest {
    private static final LikelihoodParams NO_HOLD = new LikelihoodParams(1, 150, 1000, 1e-3, 0.05, 0, 0.3, 0.5);

    private static AnomalyLikelihood.Judgement update(AnomalyLikelihood l, LikelihoodState s, float error, boolean range) {
        return l.update(s, new float[] {error}, 0, range);
    }

    @Test
    void erfcMatchesKnownValues() {
        assertThat(AnomalyLikelihood.erfc(0)).isCloseTo(1.0, within(1e-7));
        assertThat(AnomalyLikelihood.erfc(1)).isCloseTo(0.157299207050285, within(1e-7 * 0.16));
        assertThat(AnomalyLikelihood.erfc(3)).isCloseTo(2.20904969985854e-5, within(1e-7 * 2.3e-5));
        assertThat(AnomalyLikelihood.erfc(-1)).isCloseTo(1.842700792949715, within(1e-6));
    }

    @Test
    void logScoreSpreadsTheTopEnd() {
        assertThat(AnomalyLikelihood.logScore(1e-5)).isCloseTo(0.5, within(1e-6));
        assertThat(AnomalyLikelihood.logScore(1e-4)).isCloseTo(0.4, within(1e-6));
        assertThat(AnomalyLikelihood.logScore(0.5)).isCloseTo(0.03, within(0.001));
        assertThat(AnomalyLikelihood.logScore(0)).isEqualTo(1.0);
    }

    @Test
    void nothingIsJudgedDuringTheLearningPeriod() {
        AnomalyLikelihood l = new AnomalyLikelihood(NO_HOLD);
        LikelihoodState s = l.newState(1);
        for (int i = 0; i < 150; i++) {
            AnomalyLikelihood.Judgement j = update(l, s, i == 149 ? 1e6f : 1f, false);
            assertThat(j.score()).isZero();
            assertThat(j.likelihood()).isNaN();
        }
        assertThat(update(l, s, 1f, false).likelihood()).isNotNaN();
    }

    @Test
    void theSameRawStepIsAnAlertForAQuietEntityAndNotForANoisyOne() {
        AnomalyLikelihood l = new AnomalyLikelihood(NO_HOLD);
        Random random = new Random(3);
        LikelihoodState quiet = l.newState(1);
        LikelihoodState noisy = l.newState(1);
        for (int i = 0; i < 500; i++) {
            update(l, quiet, (float) (1.0 + 0.01 * random.nextGaussian()), false);
            update(l, noisy, (float) (1.0 + 2.0 * Math.abs(random.nextGaussian())), false);
        }
        double quietScore = update(l, quiet, 1.5f, false).score();
        double noisyScore = update(l, noisy, 1.5f, false).score();
        assertThat(l.alerts(quietScore)).isTrue();
        assertThat(l.alerts(noisyScore)).isFalse();
    }

    @Test
    void aRecordOutOfRangeScoresOneAndAHoldOffCapsWhatFollows() {
        AnomalyLikelihood l = new AnomalyLikelihood(new LikelihoodParams(1, 150, 1000, 1e-3, 0.05, 3, 0.3, 0.5));
        LikelihoodState s = l.newState(1);
        assertThat(update(l, s, 1f, true).score()).isEqualTo(1.0);
        for (int k = 0; k < 3; k++) {
            assertThat(update(l, s, 1f, true).score()).isEqualTo(0.3);
        }
        assertThat(update(l, s, 1f, true).score()).isEqualTo(1.0);
    }

    @Test
    void peekingChangesNothing() {
        AnomalyLikelihood l = new AnomalyLikelihood(new LikelihoodParams(3, 5, 1000, 1e-3, 0.05, 3, 0.3, 0.5));
        LikelihoodState a = l.newState(1);
        LikelihoodState b = l.newState(1);
        for (int i = 0; i < 20; i++) {
            update(l, a, i % 3, false);
            update(l, b, i % 3, false);
        }
        AnomalyLikelihood.Judgement peeked = l.peek(a, new float[] {50f}, 0, false);
        assertThat(peeked.score()).isGreaterThan(0.5);
        for (int i = 0; i < 10; i++) {
            assertThat(update(l, a, i, false)).isEqualTo(update(l, b, i, false));
        }
    }

    @Test
    void theOutputIsTheLargestFeatureScoreAndEachFeatureLearnsItsOwnLevel() {
        AnomalyLikelihood l = new AnomalyLikelihood(NO_HOLD);
        LikelihoodState s = l.newState(2);
        Random random = new Random(5);
        for (int i = 0; i < 400; i++) {
            // feature 0 is always large and noisy, feature 1 small and quiet
            l.update(s, new float[] {(float) (100 + 10 * random.nextGaussian()), (float) (0.01 + 0.0001 * random.nextGaussian())},
                    0, false);
        }
        // a level of 0.02 is nothing for feature 0 and a jump for feature 1
        assertThat(l.peek(s, new float[] {100f, 0.02f}, 0, false).score()).isGreaterThan(0.5);
        assertThat(l.peek(s, new float[] {100f, 0.01f}, 0, false).score()).isLessThan(0.5);
    }
}
