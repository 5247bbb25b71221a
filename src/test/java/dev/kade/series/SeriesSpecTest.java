package dev.kade.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesSpecTest {

    @Test
    void roundTripsThroughMetadata() {
        SeriesSpec spec = new SeriesSpec(32, 3, Normalisation.EWM, 144, 1e-4, 0.02, 10);
        Map<String, String> m = spec.toMetadata();
        assertThat(m).containsEntry("kade.window", "32").containsEntry("kade.series.stats", "ewm")
                .containsEntry("kade.series.clip", "10.0");
        assertThat(SeriesSpec.fromMetadata(m, 3)).isEqualTo(spec);
        assertThat(SeriesSpec.windowOf(m)).isEqualTo(32);
    }

    @Test
    void aModelWithoutAWindowIsPerRecordAndAWindowWithoutStatsHasNone() {
        assertThat(SeriesSpec.windowOf(Map.of())).isEqualTo(1);
        SeriesSpec foreign = SeriesSpec.fromMetadata(Map.of("kade.window", "16"), 2);
        assertThat(foreign.normalisation()).isEqualTo(Normalisation.NONE);
        assertThat(foreign.window()).isEqualTo(16);
        assertThatThrownBy(() -> SeriesSpec.fromMetadata(Map.of(), 2)).hasMessageContaining("not windowed");
    }

    @Test
    void namesTheMalformedKey() {
        Map<String, String> m = new HashMap<>(SeriesSpec.of(8, 1).toMetadata());
        m.put(SeriesSpec.KEY_HALF_LIFE, "long");
        assertThatThrownBy(() -> SeriesSpec.fromMetadata(m, 1)).hasMessageContaining(SeriesSpec.KEY_HALF_LIFE);
        m.put(SeriesSpec.KEY_HALF_LIFE, "-1");
        assertThatThrownBy(() -> SeriesSpec.fromMetadata(m, 1)).hasMessageContaining(SeriesSpec.KEY_HALF_LIFE);
        m.put(SeriesSpec.KEY_HALF_LIFE, "10");
        m.put(SeriesSpec.KEY_STATS, "median");
        assertThatThrownBy(() -> SeriesSpec.fromMetadata(m, 1)).hasMessageContaining(SeriesSpec.KEY_STATS);
        assertThatThrownBy(() -> SeriesSpec.windowOf(Map.of("kade.window", "x"))).hasMessageContaining("kade.window");
        assertThatThrownBy(() -> SeriesSpec.of(1, 1)).hasMessageContaining("at least 2");
    }

    @Test
    void normalisesInFloat32AndClips() {
        SeriesSpec clipped = SeriesSpec.of(4, 1);
        assertThat(clipped.normalisation()).isEqualTo(Normalisation.CUMULATIVE);
        assertThat(clipped.normalise(13f, 10f, 2f)).isEqualTo(1.5f);
        assertThat(clipped.normalise(1000f, 10f, 2f)).isEqualTo(10f);
        assertThat(clipped.normalise(-1000f, 10f, 2f)).isEqualTo(-10f);
        assertThat(clipped.withClip(0).normalise(1000f, 10f, 2f)).isEqualTo(495f);
    }

    @Test
    void alphaHalvesTheWeightAfterOneHalfLife() {
        double a = SeriesSpec.of(4, 1).withNormalisation(Normalisation.EWM, SeriesSpec.DEFAULT_HALF_LIFE).alpha();
        assertThat(Math.pow(1 - a, SeriesSpec.DEFAULT_HALF_LIFE)).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(new SeriesSpec(4, 1, Normalisation.CUMULATIVE, 5, 1e-6, 0).alpha()).isZero();
    }
}
