package dev.kade.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EntityStatsTest {
    private static SeriesSpec spec(Normalisation n, double halfLife) {
        return new SeriesSpec(4, 1, n, halfLife, 1e-6, 0);
    }

    @Test
    void cumulativeIsThePopulationMeanAndStandardDeviation() {
        EntityStats s = new EntityStats(spec(Normalisation.CUMULATIVE, 1));
        double[] xs = {3, 7, 8, 1, 6, 6, 2};
        for (double x : xs) {
            s.update(new float[] {(float) x});
        }
        double mean = 33.0 / 7;
        double var = 0;
        for (double x : xs) {
            var += (x - mean) * (x - mean);
        }
        assertThat(s.mean(0)).isCloseTo((float) mean, within(1e-6f));
        assertThat(s.scale(0)).isCloseTo((float) Math.sqrt(var / 7), within(1e-6f));
        assertThat(s.count()).isEqualTo(7);
    }

    @Test
    void ewmStartsAsThePlainMeanThenForgetsWithItsHalfLife() {
        EntityStats s = new EntityStats(spec(Normalisation.EWM, 10));
        s.update(new float[] {2});
        s.update(new float[] {4});
        assertThat(s.mean(0)).isEqualTo(3f);   // 1/n weights while n < 1/alpha
        assertThat(s.scale(0)).isEqualTo(1f);

        EntityStats level = new EntityStats(spec(Normalisation.EWM, 10));
        for (int i = 0; i < 2000; i++) {
            level.update(new float[] {0});
        }
        for (int i = 0; i < 10; i++) {
            level.update(new float[] {1});
        }
        // after one half-life at the new level the mean has moved half way
        assertThat(level.mean(0)).isCloseTo(0.5f, within(1e-6f));
    }

    @Test
    void theScaleIsFlooredAbsolutelyAndRelativeToTheMean() {
        EntityStats abs = new EntityStats(new SeriesSpec(4, 1, Normalisation.EWM, 50, 0.25, 0));
        EntityStats rel = new EntityStats(new SeriesSpec(4, 1, Normalisation.EWM, 50, 1e-6, 0.01));
        for (int i = 0; i < 100; i++) {
            abs.update(new float[] {5000});
            rel.update(new float[] {5000});
        }
        assertThat(abs.scale(0)).isEqualTo(0.25f);
        assertThat(rel.scale(0)).isEqualTo(50f);
    }

    @Test
    void noneAndTheEmptyEntityGiveMeanZeroScaleOne() {
        float[] dst = new float[4];
        EntityStats none = new EntityStats(new SeriesSpec(3, 2, Normalisation.NONE, 10, 1e-6, 0));
        none.update(new float[] {100, -3});
        none.writeMeanScale(dst, 0);
        assertThat(dst).containsExactly(0, 0, 1, 1);
        new EntityStats(new SeriesSpec(3, 2, Normalisation.EWM, 10, 1e-6, 0)).writeMeanScale(dst, 0);
        assertThat(dst).containsExactly(0, 0, 1, 1);
    }

    @Test
    void writesMeansThenScales() {
        EntityStats s = new EntityStats(new SeriesSpec(3, 2, Normalisation.CUMULATIVE, 10, 1e-6, 0));
        s.update(new float[] {1, 10});
        s.update(new float[] {3, 30});
        float[] dst = new float[5];
        s.writeMeanScale(dst, 1);
        assertThat(dst).containsExactly(0, 2, 20, 1, 10);
    }

    @Test
    void aNonFiniteStepIsNotAdded() {
        EntityStats s = new EntityStats(spec(Normalisation.EWM, 10));
        s.update(new float[] {1});
        assertThat(s.update(new float[] {Float.NaN})).isFalse();
        assertThat(s.update(new float[] {Float.POSITIVE_INFINITY})).isFalse();
        assertThat(s.count()).isEqualTo(1);
        assertThat(s.mean(0)).isEqualTo(1f);
    }

    @Test
    void bytesRoundTripExactlySoARestoredEntityContinuesBitForBit() {
        SeriesSpec spec = new SeriesSpec(8, 3, Normalisation.EWM, 7, 1e-6, 1e-3);
        EntityStats live = new EntityStats(spec);
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < 50; i++) {
            live.update(new float[] {(float) rng.nextGaussian(), (float) (1e4 * rng.nextDouble()), i});
        }
        byte[] bytes = live.toBytes();
        assertThat(bytes).hasSize(11 + 24 * 3);
        EntityStats restored = EntityStats.fromBytes(spec, bytes);
        assertThat(restored).isEqualTo(live);
        for (int i = 0; i < 20; i++) {
            float[] step = {(float) rng.nextGaussian(), (float) rng.nextDouble(), -i};
            live.update(step);
            restored.update(step);
        }
        float[] a = new float[6];
        float[] b = new float[6];
        live.writeMeanScale(a, 0);
        restored.writeMeanScale(b, 0);
        assertThat(b).containsExactly(a);
        assertThat(live.copy()).isEqualTo(live);
    }

    @Test
    void flagsAStepOutsideTheRangeSeenBeforeWidenedByTheMargin() {
        EntityStats s = new EntityStats(new SeriesSpec(3, 2, Normalisation.CUMULATIVE, 10, 1e-6, 0));
        assertThat(s.outOfRange(new float[] {1e9f, 0}, 0, 0.05)).isFalse();   // nothing seen yet
        s.update(new float[] {10, 5});
        assertThat(s.outOfRange(new float[] {1e9f, 5}, 0, 0.05)).isFalse();   // one value is no range
        s.update(new float[] {20, 5});
        assertThat(s.min(0)).isEqualTo(10f);
        assertThat(s.max(0)).isEqualTo(20f);
        assertThat(s.outOfRange(new float[] {20.5f, 5}, 0, 0.05)).isFalse();  // within hi + 5% of the range
        assertThat(s.outOfRange(new float[] {20.6f, 5}, 0, 0.05)).isTrue();
        assertThat(s.outOfRange(new float[] {9.4f, 5}, 0, 0.05)).isTrue();
        assertThat(s.outOfRange(new float[] {15, 900}, 0, 0.05)).isFalse();   // feature 1 never moved: no range
        s.update(new float[] {15, 6});
        assertThat(s.outOfRange(new float[] {15, 900}, 0, 0.05)).isTrue();
        assertThat(s.outOfRange(new float[] {15, 900}, 0, 1, 0.05)).as("only the first (raw) feature").isFalse();
        assertThat(EntityStats.fromBytes(s.spec(), s.toBytes()).outOfRange(new float[] {20.6f, 5}, 0, 0.05)).isTrue();
    }

    @Test
    void refusesStatisticsOfAnotherWidth() {
        byte[] bytes = new EntityStats(new SeriesSpec(3, 2, Normalisation.EWM, 10, 1e-6, 0)).toBytes();
        assertThatThrownBy(() -> EntityStats.fromBytes(new SeriesSpec(3, 1, Normalisation.EWM, 10, 1e-6, 0), bytes))
                .hasMessageContaining("F=2");
    }
}
