package dev.kade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {
    private final DurationConverter c = new DurationConverter();

    @Test
    void readsUnitsPlainSecondsAndIso() {
        assertThat(c.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(c.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(c.convert("0")).isEqualTo(Duration.ZERO);
        assertThat(c.convert("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void refusesNonsenseAndNegativeDurations() {
        assertThatThrownBy(() -> c.convert("soon")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> c.convert("10x")).isInstanceOf(CommandLine.TypeConversionException.class);
        assertThatThrownBy(() -> c.convert("PT-5S")).isInstanceOf(CommandLine.TypeConversionException.class);
    }
}
