package dev.kade.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kade.cli.Main;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetReader;
import dev.kade.model.InvalidModelException;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelKind;
import dev.kade.model.ModelProbe;
import dev.kade.onnx.OnnxModel;
import dev.kade.testing.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plain reconstruction export (as PyTorch or Keras would write) made servable by calibration. */
class ForeignModelCalibratorTest {
    @TempDir
    Path dir;

    @Test
    void foreignModelWithoutSidecarIsRefusedWithAHint() throws Exception {
        Path model = Files.write(dir.resolve("torch.onnx"), TestModels.reconstructionModel(3));
        assertThatThrownBy(() -> OnnxModel.load(model)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("kade calibrate").hasMessageContaining("torch.onnx.kade.json");
    }

    @Test
    void calibrationWritesASidecarWhoseThresholdSeparatesAnomalies() throws Exception {
        Path model = Files.write(dir.resolve("torch.onnx"), TestModels.reconstructionModel(3));
        DataSet normal = DataSetReader.read(writeCsv("normal.csv", 2000, false), DataSetReader.Options.defaults());

        ForeignModelCalibrator.Result r = ForeignModelCalibrator.calibrate(model, normal, 0.99, true, "torch-v1",
                Clock.systemUTC());

        assertThat(r.sidecar()).isRegularFile();
        try (OnnxModel served = OnnxModel.load(model)) {
            assertThat(served.reconstructionOnly()).isTrue();
            assertThat(served.metadata().kind()).isEqualTo(ModelKind.RECONSTRUCTION);
            assertThat(served.metadata().version()).isEqualTo("torch-v1");
            // the sidecar carries a probe of the calibration rows, and loading re-scored and verified it
            assertThat(served.metadata().probe()).hasValueSatisfying(p -> assertThat(p.size()).isEqualTo(ModelProbe.SIZE));
            assertThat(served.verification()).isEqualTo(ModelContract.Verification.VERIFIED);
            assertThat(served.metadata().features()).containsExactly("cpu", "memory.used", "latency_ms");
            double threshold = served.metadata().threshold();
            float[] normalScores = served.score(normal.rows()).score();
            long below = 0;
            for (float s : normalScores) {
                below += s <= threshold ? 1 : 0;
            }
            assertThat(below / (double) normalScores.length).isCloseTo(0.99, within(0.002));

            DataSet anomalies = DataSetReader.read(writeCsv("anomalies.csv", 200, true), DataSetReader.Options.defaults());
            for (float s : served.score(anomalies.rows()).score()) {
                assertThat((double) s).isGreaterThan(threshold);
            }
            // the error is scaled by each feature's variance in the calibration data, as the sidecar records
            double[] scales = served.metadata().featureScales().orElseThrow();
            float[] row = {1f, 2f, 6f};
            float[] errors = served.score(new float[][] {row}).featureErrors()[0];
            assertThat((double) errors[2]).isCloseTo(Math.pow(6 - 3, 2) / (scales[2] * scales[2]), within(1e-4));
        }
    }

    @Test
    void calibrateCommandVerifiesTheModelLoadsWithItsSidecar() throws Exception {
        Path model = Files.write(dir.resolve("keras.onnx"), TestModels.reconstructionModel(3));
        Path data = writeCsv("normal.csv", 500, false);
        StringWriter out = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(out, true))
                .execute("calibrate", "--model", model.toString(), "--data", data.toString());
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("verified").contains("keras-");
        assertThat(dir.resolve("keras.onnx.kade.json")).isRegularFile();
    }

    @Test
    void calibrateCommandRefusesAModelOfTheWrongWidth() throws Exception {
        Path model = Files.write(dir.resolve("wide.onnx"), TestModels.reconstructionModel(4));
        StringWriter err = new StringWriter();
        int exit = Main.commandLine().setErr(new PrintWriter(err, true))
                .execute("calibrate", "--model", model.toString(), "--data", writeCsv("n.csv", 50, false).toString());
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("expected [N,3]");
        assertThat(dir.resolve("wide.onnx.kade.json")).doesNotExist();
    }

    private Path writeCsv(String name, int rows, boolean anomalous) throws Exception {
        Random random = new Random(name.hashCode());
        List<String> lines = new ArrayList<>();
        lines.add("cpu,memory.used,latency_ms");
        for (int i = 0; i < rows; i++) {
            double base = 1 + random.nextDouble() * 9;
            double n1 = random.nextGaussian() * 0.05;
            double n2 = random.nextGaussian() * 0.05;
            double n3 = anomalous ? TestModels.ANOMALY_OFFSET : random.nextGaussian() * 0.05;
            lines.add(String.format(Locale.ROOT, "%.4f,%.4f,%.4f", base + n1, base + n2, base + n3));
        }
        return Files.write(dir.resolve(name), lines);
    }
}
