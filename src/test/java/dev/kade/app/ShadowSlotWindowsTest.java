package dev.kade.app;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.model.InvalidModelException;
import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ScoreDistribution;
import dev.kade.testing.WindowedTestScorer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A shadow scores the serving model's own rows: beside a windowed model only a windowed shadow with the same window,
 * features per step and normalisation is taken; anything else is refused with a reason that says which is which
 * (at start kade stops naming model.shadow.path; on reload the previous shadow goes on, as for any refused shadow).
 */
class ShadowSlotWindowsTest {
    private static ModelMetadata perRecord() {
        return new ModelMetadata(List.of("v"), ModelKind.AE, 1, new ScoreDistribution(new double[] {0, 1}, new double[] {0, 2}),
                "fp", Instant.EPOCH, "p1");
    }

    private static ModelMetadata windowed(int window, String version) {
        return new WindowedTestScorer(List.of("v"), window, version).metadata();
    }

    @Test
    void aWindowedShadowWithTheServingModelsWindowsIsTaken() {
        assertThatCode(() -> ShadowSlot.checkSameWindows(windowed(4, "w1"), windowed(4, "w2"))).doesNotThrowAnyException();
        assertThatCode(() -> ShadowSlot.checkSameWindows(perRecord(), perRecord())).doesNotThrowAnyException();
    }

    @Test
    void anotherWindowOrAPerRecordShadowBesideAWindowedModelIsRefusedSayingWhich() {
        assertThatThrownBy(() -> ShadowSlot.checkSameWindows(windowed(4, "w1"), windowed(6, "w2")))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("window 6").hasMessageContaining("window 4");
        assertThatThrownBy(() -> ShadowSlot.checkSameWindows(windowed(4, "w1"), perRecord()))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("it is a per-record model")
                .hasMessageContaining("the serving model windowed (window 4");
        assertThatThrownBy(() -> ShadowSlot.checkSameWindows(perRecord(), windowed(4, "w2")))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("the serving model a per-record model");
    }
}
