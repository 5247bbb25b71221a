package dev.kade.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ShadowAgreementTest {
    @Test
    void aMonotoneRescaleRanksAlikeAndAReversalOpposite() {
        ShadowAgreement same = new ShadowAgreement(100);
        ShadowAgreement reversed = new ShadowAgreement(100);
        float[] c = new float[50];
        float[] s = new float[50];
        float[] r = new float[50];
        for (int i = 0; i < 50; i++) {
            c[i] = i;
            s[i] = (float) Math.exp(i / 10.0); // another scale, the same order
            r[i] = -i;
        }
        same.observe(c, 45, s, Math.exp(4.45), 50); // between the float scores of 44 and 45
        reversed.observe(c, 45, r, -5, 50);
        assertThat(same.rankCorrelation()).isCloseTo(1.0, within(1e-12));
        assertThat(reversed.rankCorrelation()).isCloseTo(-1.0, within(1e-12));
        assertThat(same.alertOverlap()).isEqualTo(1.0);
        assertThat(same.championAlerts()).isEqualTo(5);
        assertThat(reversed.shadowAlerts()).isEqualTo(6); // 0..5 are at or above -5
        assertThat(reversed.bothAlerts()).isZero();
        assertThat(reversed.alertOverlap()).isZero();
    }

    @Test
    void tiesGetTheirAverageRankAndNaNRowsAreSkipped() {
        ShadowAgreement a = new ShadowAgreement(10);
        a.observe(new float[] {1, 2, 3, Float.NaN}, 10, new float[] {5, 5, 6, 1}, 10, 4);
        assertThat(a.scored()).isEqualTo(3);
        // ranks: champion 1,2,3; shadow 1.5,1.5,3 -> Pearson of the ranks
        assertThat(a.rankCorrelation()).isCloseTo(0.8660254037844386, within(1e-12));
        assertThat(a.alertOverlap()).as("neither alerts").isNaN();
    }

    @Test
    void windowSlidesAndRestartsWhileTotalsCount() {
        ShadowAgreement a = new ShadowAgreement(4);
        a.observe(new float[] {1, 2, 3, 4}, 100, new float[] {4, 3, 2, 1}, 100, 4);
        assertThat(a.rankCorrelation()).isCloseTo(-1, within(1e-12));
        a.observe(new float[] {5, 6, 7, 8}, 100, new float[] {5, 6, 7, 8}, 100, 4); // the reversed four slide out
        assertThat(a.rankCorrelation()).isCloseTo(1, within(1e-12));
        assertThat(a.windowFill()).isEqualTo(4);
        a.restart();
        assertThat(a.windowFill()).isZero();
        assertThat(a.rankCorrelation()).isNaN();
        assertThat(a.scored()).isEqualTo(8);
    }
}
