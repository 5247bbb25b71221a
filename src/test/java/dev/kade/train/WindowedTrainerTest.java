package dev.kade.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.model.ModelKind;
import dev.kade.series.Normalisation;
import dev.kade.series.SeriesSpec;
import dev.kade.series.SeriesWindows;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowedTrainerTest {
    private static final SeriesSpec SPEC = new SeriesSpec(6, 2, Normalisation.EWM, 24, 1e-6, 1e-3);

    @Test
    void trainsOnNormalisedWindowsAndScoresRawWindowsTheSameWay() {
        WindowedModel m = SeriesFixtures.train(SPEC, ModelKind.AE, false);
        assertThat(m.metadata().features()).containsExactly("v0", "v1");
        assertThat(m.inner().metadata().features()).hasSize(12).startsWith("v0@-5", "v1@-5").endsWith("v0@0", "v1@0");
        // the probe's stored scores are what the raw-window forward pass gives
        float[] again = m.scoreProbeRows(m.probe().rows());
        assertThat(again).containsExactly(m.probe().scores());
        assertThat(m.metadata().threshold()).isEqualTo(m.inner().metadata().threshold());
    }

    @Test
    void perEntityNormalisationMakesEntitiesOnScalesThousandsApartLookAlike() {
        WindowedModel m = SeriesFixtures.train(SPEC, ModelKind.AE, false);
        SeriesWindows w = SeriesFixtures.windows(SPEC, 4, 60, 99);  // entity 3 (level 1000) was never trained on
        int n = w.size();
        int width = SPEC.width();
        float[] windows = new float[n * width];
        float[] stats = new float[n * 2 * SPEC.features()];
        for (int i = 0; i < n; i++) {
            System.arraycopy(w.windows()[i], 0, windows, i * width, width);
            System.arraycopy(w.stats()[i], 0, stats, i * 2 * SPEC.features(), 2 * SPEC.features());
        }
        float[] score = new float[n];
        float[] errors = new float[n * SPEC.features()];
        float[] recon = new float[n * width];
        m.scoreWindows(windows, stats, n, score, errors, recon);
        double[] meanByEntity = new double[4];
        int[] count = new int[4];
        for (int i = 0; i < n; i++) {
            meanByEntity[w.entity()[i]] += score[i];
            count[w.entity()[i]]++;
        }
        for (int e = 0; e < 4; e++) {
            meanByEntity[e] /= count[e];
        }
        // the unseen entity at 1000x the level of entity 0 scores like the others, not thousands of times worse
        assertThat(meanByEntity[3]).isLessThan(5 * Math.max(meanByEntity[0], meanByEntity[1]));
        // the reconstruction is in the entity's raw units: near the values, not near zero
        int last = n - 1;
        assertThat(w.entity()[last]).isEqualTo(3);
        for (int k = 0; k < width; k++) {
            assertThat(Math.abs(recon[last * width + k] - windows[last * width + k])).isLessThan(0.5f * windows[last * width + k]);
        }
        // and a spike in the scored step scores far higher than the same window without it
        float[] spiked = java.util.Arrays.copyOfRange(windows, last * width, (last + 1) * width);
        float[] spikedStats = java.util.Arrays.copyOfRange(stats, last * 4, last * 4 + 4);
        spiked[width - 2] *= 3;
        float[] s = new float[1];
        float[] e = new float[2];
        m.scoreWindows(spiked, spikedStats, 1, s, e, null);
        assertThat(s[0]).isGreaterThan(10 * score[last]);
        assertThat(e[0]).isGreaterThan(e[1]);
    }

    @Test
    void refusesDataWithoutTwoFullWindows() {
        SeriesWindows few = SeriesFixtures.windows(new SeriesSpec(50, 1, Normalisation.EWM, 24, 1e-6, 0), 2, 50, 1);
        assertThat(few.size()).isEqualTo(2);
        SeriesWindows none = SeriesFixtures.windows(new SeriesSpec(50, 1, Normalisation.EWM, 24, 1e-6, 0), 2, 49, 1);
        assertThatThrownBy(() -> new WindowedTrainer(new Trainer()).train(none, List.of("v0"), "tiny",
                Fixtures.quick(ModelKind.AE), ProgressListener.NONE)).hasMessageContaining("at least 2 full windows");
    }
}
