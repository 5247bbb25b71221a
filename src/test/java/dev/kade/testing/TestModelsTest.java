package dev.kade.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.model.ModelKind;
import dev.kade.model.Scores;
import dev.kade.onnx.OnnxModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestModelsTest {
    @Test
    void reconstructionModelLoadsThroughOnnxRuntimeAndSeparatesAnomalies(@TempDir Path dir) {
        try (OnnxModel model = OnnxModel.load(TestModels.writeModel(dir.resolve("m.onnx"), "v1"))) {
            assertThat(model.reconstructionOnly()).isTrue();
            assertThat(model.metadata().kind()).isEqualTo(ModelKind.RECONSTRUCTION);
            assertThat(model.metadata().features()).isEqualTo(TestModels.FEATURES);
            Scores s = model.score(new float[][] {{5, 5, 5}, {5, 5, 13}});
            assertThat(s.score()[0]).isLessThan(1e-6f);
            // residual of (0,0,8) after projecting onto the diagonal: (-8/3,-8/3,16/3)² mean = 14.22
            assertThat((double) s.score()[1]).isCloseTo(128.0 / 9, org.assertj.core.data.Offset.offset(1e-3));
            assertThat(s.featureErrors()[1][2]).isGreaterThan(s.featureErrors()[1][0]);
        }
    }
}
