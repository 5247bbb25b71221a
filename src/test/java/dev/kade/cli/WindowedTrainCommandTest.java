package dev.kade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.kade.model.ModelContract;
import dev.kade.series.SeriesSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowedTrainCommandTest {
    @TempDir
    Path dir;

    /** Long-format rows host,timestamp,cpu,mem for hosts on scales 1, 100 and 10000, shuffled within each time step. */
    private Path write(String name, int steps, boolean withEntity) throws Exception {
        Random r = new Random(5);
        List<String> lines = new ArrayList<>();
        lines.add(withEntity ? "host,timestamp,cpu,mem" : "timestamp,cpu,mem");
        Instant t0 = Instant.parse("2014-04-01T00:00:00Z");
        for (int t = 0; t < steps; t++) {
            List<String> step = new ArrayList<>();
            for (int h = 0; h < (withEntity ? 3 : 1); h++) {
                double level = Math.pow(100, h);
                double cpu = level * (1 + 0.3 * Math.sin(t / 4.0) + 0.02 * r.nextGaussian());
                double mem = level * (2 + 0.1 * Math.cos(t / 4.0) + 0.02 * r.nextGaussian());
                String ts = t0.plusSeconds(300L * t).toString().replace('T', ' ').replace("Z", "");
                step.add((withEntity ? "host-" + h + "," : "") + ts + "," + cpu + "," + mem);
            }
            Collections.shuffle(step, r);
            lines.addAll(step);
        }
        return Files.write(dir.resolve(name), lines);
    }

    private static Map<String, String> metadata(Path model, List<String> inputs) throws Exception {
        try (OrtSession s = OrtEnvironment.getEnvironment().createSession(model.toString(), new OrtSession.SessionOptions())) {
            inputs.addAll(s.getInputNames());
            return s.getMetadata().getCustomMetadata();
        }
    }

    @Test
    void trainsADefaultEnsembleOnLongFormatDataWithEntityAndTimeColumns() throws Exception {
        Path data = write("hosts.csv", 120, true);
        Path model = dir.resolve("hosts.onnx");
        CliRun t = CliRun.execute("train", "--data", data.toString(), "--out", model.toString(), "--window", "8",
                "--entity-column", "host", "--time-column", "timestamp", "--epochs", "4", "--hidden", "8", "--latent-dim", "3",
                "--quiet");
        assertThat(t.exit()).as(t.err()).isZero();
        assertThat(t.out()).contains("window 8 x 4 features", "features  cpu,mem,cpu~season,mem~season",
                "3 entities, 360 rows, 339 windows", "normalisation cumulative", "seasonal  168 week bins, 24 day bins, alpha 0.1, zone UTC");
        List<String> inputs = new ArrayList<>();
        Map<String, String> meta = metadata(model, inputs);
        assertThat(inputs).containsExactlyInAnyOrder(ModelContract.INPUT, "entity_stats");
        assertThat(meta).containsEntry(SeriesSpec.KEY_WINDOW, "8").containsEntry(SeriesSpec.KEY_STATS, "cumulative")
                .containsEntry(ModelContract.KEY_KIND, "ensemble")
                .containsEntry(ModelContract.KEY_FEATURES, "[\"cpu\",\"mem\",\"cpu~season\",\"mem~season\"]")
                .containsEntry(dev.kade.series.SeasonalSpec.KEY_WEEK_BINS, "168");
        // the trained model loads, and ONNX Runtime reproduces its probe windows (value and seasonal residual)
        try (dev.kade.onnx.OnnxModel served = dev.kade.onnx.OnnxModel.load(model)) {
            assertThat(served.verification()).isEqualTo(ModelContract.Verification.VERIFIED);
            assertThat(served.window()).isEqualTo(8);
            assertThat(served.takesEntityStats()).isTrue();
        }
        // evaluate scores per-record models; it refuses a windowed one in words
        CliRun e = CliRun.execute("evaluate", "--model", model.toString(), "--data", data.toString(), "--label-column", "cpu");
        assertThat(e.exit()).isEqualTo(1);
        assertThat(e.err()).contains("is windowed (kade.window=8)");
    }

    @Test
    void trainsAVaeOnAFileOfOneEntityWithoutEntityOrTimeColumn() throws Exception {
        Path data = write("one.csv", 80, false);
        Path model = dir.resolve("one.onnx");
        CliRun t = CliRun.execute("train", "--data", data.toString(), "--out", model.toString(), "--window", "4",
                "--kind", "vae", "--exclude-columns", "timestamp", "--normalisation", "ewm", "--half-life", "50",
                "--clip", "0", "--epochs", "3", "--model-version", "w4", "--quiet");
        assertThat(t.exit()).as(t.err()).isZero();
        assertThat(t.out()).contains("1 entities, 80 rows, 77 windows", "half-life 50.0", "clip off", "version w4",
                "features  cpu,mem");
        // the windowed default architecture for W·F = 8: 8 -> 4 -> (mu, logvar of 2) -> 4 -> 8
        assertThat(t.out()).contains("window 4 x 2 features, " + (8 * 4 + 4 + 2 * (4 * 2 + 2) + 2 * 4 + 4 + 4 * 8 + 8) + " parameters");
        Map<String, String> meta = metadata(model, new ArrayList<>());
        assertThat(meta).containsEntry(SeriesSpec.KEY_STATS, "ewm").containsEntry(SeriesSpec.KEY_HALF_LIFE, "50.0")
                .containsEntry(ModelContract.KEY_KIND, "vae").containsEntry(ModelContract.KEY_MODEL_VERSION, "w4");
    }

    @Test
    void refusesSeriesOptionsWithoutAWindowAndKeyColumnsAsFeatures() throws Exception {
        Path data = write("hosts.csv", 20, true);
        CliRun noWindow = CliRun.execute("train", "--data", data.toString(), "--out", dir.resolve("x.onnx").toString(),
                "--entity-column", "host");
        assertThat(noWindow.exit()).isNotZero();
        assertThat(noWindow.err()).contains("--entity-column needs --window");
        CliRun asFeature = CliRun.execute("train", "--data", data.toString(), "--out", dir.resolve("x.onnx").toString(),
                "--window", "4", "--entity-column", "host", "--features", "cpu,host");
        assertThat(asFeature.exit()).isNotZero();
        assertThat(asFeature.err()).contains("--features names 'host'");
        CliRun seasonalWithoutTime = CliRun.execute("train", "--data", data.toString(), "--out", dir.resolve("x.onnx").toString(),
                "--window", "4", "--entity-column", "host", "--seasonal");
        assertThat(seasonalWithoutTime.exit()).isNotZero();
        assertThat(seasonalWithoutTime.err()).contains("--seasonal needs --time-column");
        CliRun badMode = CliRun.execute("train", "--data", data.toString(), "--out", dir.resolve("x.onnx").toString(),
                "--window", "4", "--normalisation", "median");
        assertThat(badMode.exit()).isNotZero();
        assertThat(badMode.err()).contains("--normalisation");
    }

    @Test
    void namesTheRecordWithAnUnreadableTime() throws Exception {
        Path data = write("hosts.csv", 20, true);
        List<String> lines = new ArrayList<>(Files.readAllLines(data));
        lines.set(5, "host-1,not-a-time,1,2");
        Files.write(data, lines);
        CliRun t = CliRun.execute("train", "--data", data.toString(), "--out", dir.resolve("x.onnx").toString(),
                "--window", "4", "--entity-column", "host", "--time-column", "timestamp", "--quiet");
        assertThat(t.exit()).isEqualTo(1);
        assertThat(t.err()).contains("record 5", "column 'timestamp'", "not-a-time");
    }
}
