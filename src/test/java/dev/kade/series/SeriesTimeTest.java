package dev.kade.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SeriesTimeTest {
    private static final long T = 1396310400000L; // 2014-04-01T00:00:00Z

    @Test
    void readsIsoNabAndEpochForms() {
        assertThat(SeriesTime.parseMillis("2014-04-01T00:00:00Z")).isEqualTo(T);
        assertThat(SeriesTime.parseMillis("2014-04-01 00:00:00")).isEqualTo(T);
        assertThat(SeriesTime.parseMillis("2014-04-01T02:00:00+02:00")).isEqualTo(T);
        assertThat(SeriesTime.parseMillis("2014-04-01")).isEqualTo(T);
        assertThat(SeriesTime.parseMillis("1396310400")).isEqualTo(T);
        assertThat(SeriesTime.parseMillis("1396310400.5")).isEqualTo(T + 500);
        assertThat(SeriesTime.parseMillis(Long.toString(T))).isEqualTo(T);
    }

    @Test
    void refusesWhatIsNoTime() {
        assertThatThrownBy(() -> SeriesTime.parseMillis("yesterday")).hasMessageContaining("yesterday");
        assertThatThrownBy(() -> SeriesTime.parseMillis(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
