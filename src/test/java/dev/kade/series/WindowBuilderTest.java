package dev.kade.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowBuilderTest {
    private static final SeriesSpec SPEC = new SeriesSpec(3, 1, Normalisation.CUMULATIVE, 10, 1e-6, 0);

    @Test
    void buildsSlidingWindowsPerEntityInTimeOrderWithStatsAsOfBeforeTheScoredStep() {
        List<SeriesRow> rows = new ArrayList<>();
        // two entities interleaved; b's rows arrive out of time order
        rows.add(new SeriesRow("a", 0, new float[] {1}));
        rows.add(new SeriesRow("b", 20, new float[] {300}));
        rows.add(new SeriesRow("a", 1, new float[] {2}));
        rows.add(new SeriesRow("b", 10, new float[] {200}));
        rows.add(new SeriesRow("a", 2, new float[] {3}));
        rows.add(new SeriesRow("b", 0, new float[] {100}));
        rows.add(new SeriesRow("a", 3, new float[] {5}));
        rows.add(new SeriesRow("c", 0, new float[] {9}));   // fewer than W steps: no window
        SeriesWindows w = WindowBuilder.build(SPEC, rows);

        assertThat(w.entities()).containsExactly("a", "b", "c");
        assertThat(w.size()).isEqualTo(3);
        assertThat(w.entity()).containsExactly(0, 0, 1);
        assertThat(w.windows()[0]).containsExactly(1, 2, 3);
        assertThat(w.windows()[1]).containsExactly(2, 3, 5);
        assertThat(w.windows()[2]).containsExactly(100, 200, 300);
        // the stats of a's first window are those of steps 1 and 2 only (mean 1.5, std 0.5)
        assertThat(w.stats()[0]).containsExactly(1.5f, 0.5f);
        assertThat(w.stats()[2]).containsExactly(150f, 50f);
        assertThat(w.normalised(0)).containsExactly(-1f, 1f, 3f);
    }

    @Test
    void matchesTheStreamRuleRunByHandBitForBit() {
        SeriesSpec spec = new SeriesSpec(4, 2, Normalisation.EWM, 3, 1e-6, 1e-3);
        List<SeriesRow> rows = new ArrayList<>();
        EntityWindow window = EntityWindow.of(spec);
        EntityStats stats = new EntityStats(spec);
        List<float[]> expectedZ = new ArrayList<>();
        for (int t = 0; t < 30; t++) {
            float[] step = {(float) Math.sin(t) * 1000 + 5000, t % 7};
            rows.add(new SeriesRow("only", t, step));
            float[] ms = new float[4];
            stats.writeMeanScale(ms, 0);
            window.add(step);
            if (window.isFull()) {
                expectedZ.add(SeriesWindows.normalise(spec, window.toArray(), ms));
            }
            stats.update(step);
        }
        SeriesWindows w = WindowBuilder.build(spec, rows);
        assertThat(w.size()).isEqualTo(27);
        for (int i = 0; i < w.size(); i++) {
            assertThat(w.normalised(i)).containsExactly(expectedZ.get(i));
        }
    }

    @Test
    void equalTimesKeepFileOrder() {
        List<SeriesRow> rows = List.of(new SeriesRow("a", 5, new float[] {1}), new SeriesRow("a", 5, new float[] {2}),
                new SeriesRow("a", 5, new float[] {3}));
        assertThat(WindowBuilder.build(SPEC, rows).windows()[0]).containsExactly(1, 2, 3);
    }

    @Test
    void refusesNonFiniteValuesNamingTheEntity() {
        List<SeriesRow> rows = List.of(new SeriesRow("pump-7", 0, new float[] {Float.NaN}));
        assertThatThrownBy(() -> WindowBuilder.build(SPEC, rows)).hasMessageContaining("pump-7");
    }

    @Test
    void namesFlattenedColumnsByStepOffset() {
        assertThat(SeriesWindows.flatNames(List.of("x", "y"), 3))
                .containsExactly("x@-2", "y@-2", "x@-1", "y@-1", "x@0", "y@0");
    }
}
