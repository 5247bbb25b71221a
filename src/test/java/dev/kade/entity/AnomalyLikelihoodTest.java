package dev.kade.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class AnomalyLikelihoodTest {
    private static final LikelihoodParams NO_HOLD = new LikelihoodParams(1, 150, 1000, 1e-3, 0.05, 0, 0.3, 0.5);

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
        LikelihoodState s = l.newState();
        for (int i = 0; i < 150; i++) {
            AnomalyLikelihood.Judgement j = l.update(s, i == 149 ? 1e6f : 1f, false);
            assertThat(j.score()).isZero();
            assertThat(j.likelihood()).isNaN();
        }
        assertThat(l.update(s, 1f, false).likelihood()).isNotNaN();
    }

    @Test
    void theSameRawStepIsAnAlertForAQuietEntityAndNotForANoisyOne() {
        AnomalyLikelihood l = new AnomalyLikelihood(NO_HOLD);
        Random random = new Random(3);
        LikelihoodState quiet = l.newState();
        LikelihoodState noisy = l.newState();
        for (int i = 0; i < 500; i++) {
            l.update(quiet, (float) (1.0 + 0.01 * random.nextGaussian()), false);
            l.update(noisy, (float) (1.0 + 2.0 * Math.abs(random.nextGaussian())), false);
        }
        double quietScore = l.update(quiet, 1.5f, false).score();
        double noisyScore = l.update(noisy, 1.5f, false).score();
        assertThat(l.alerts(quietScore)).isTrue();
        assertThat(l.alerts(noisyScore)).isFalse();
    }

    @Test
    void aRecordOutOfRangeScoresOneAndAHoldOffCapsWhatFollows() {
        AnomalyLikelihood l = new AnomalyLikelihood(new LikelihoodParams(1, 150, 1000, 1e-3, 0.05, 3, 0.3, 0.5));
        LikelihoodState s = l.newState();
        assertThat(l.update(s, 1f, true).score()).isEqualTo(1.0);
        for (int k = 0; k < 3; k++) {
            assertThat(l.update(s, 1f, true).score()).isEqualTo(0.3);
        }
        assertThat(l.update(s, 1f, true).score()).isEqualTo(1.0);
    }

    @Test
    void peekingChangesNothing() {
        AnomalyLikelihood l = new AnomalyLikelihood(new LikelihoodParams(3, 5, 1000, 1e-3, 0.05, 3, 0.3, 0.5));
        LikelihoodState a = l.newState();
        LikelihoodState b = l.newState();
        for (int i = 0; i < 20; i++) {
            l.update(a, i % 3, false);
            l.update(b, i % 3, false);
        }
        AnomalyLikelihood.Judgement peeked = l.peek(a, 50f, false);
        assertThat(peeked.score()).isGreaterThan(0.5);
        for (int i = 0; i < 10; i++) {
            assertThat(l.update(a, i, false)).isEqualTo(l.update(b, i, false));
        }
    }
}
