package dev.kade.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kade.model.ModelKind;
import dev.kade.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

/**
 * Issue 17 #6, the report as a person reads it (checked by eye with headless Chromium; these tests hold the
 * decisions behind it): a score histogram is not stretched by a few far-off scores, the settings read as
 * options, and a loss axis spanning decades is labelled once per decade.
 */
class ReportReadabilityTest {
    @TempDir
    Path dir;

    /** 550 normal rows between -1.5 and 2.5, threshold 2.5, 50 anomalies at 300..575 (the report). */
    private static double[] scores(int[] labels) {
        double[] s = new double[labels.length];
        for (int i = 0; i < s.length; i++) {
            labels[i] = i < 550 ? 0 : 1;
            s[i] = i < 550 ? -1.5 + 4.0 * i / 549 : 300 + 275.0 * (i - 550) / 49;
        }
        return s;
    }

    @Test
    void farOffScoresGoToTheLastBinSoNormalRowsAndTheThresholdSpreadOverTheOthers() {
        int[] labels = new int[600];
        double[] s = scores(labels);
        ReportCharts.Range r = ReportCharts.range(s, 2.5, labels);
        // before: a linear 50-bin axis to 575 put every normal row and the threshold in the first bin (width 11.5)
        assertThat(r.hi()).isLessThan(10);
        assertThat((2.5 - r.lo()) / ((r.hi() - r.lo()) / ReportCharts.BINS)).as("bins below the threshold").isGreaterThan(20);
        assertThat(r.clipped()).isEqualTo(50);

        XYChart chart = ReportCharts.chart("Scores by label", "score", "rows");
        assertThat(ReportCharts.histogram(chart, "normal (0)", s, 2.5, labels)).isEqualTo(50);
        assertThat(chart.getTitle()).contains("50 above").contains("in the last bin");
    }

    @Test
    void nothingIsClippedWhenTheScoresSitCloseTogether() {
        double[] s = {0.1, 0.2, 0.3, 0.5, 0.8, 1.0};
        ReportCharts.Range r = ReportCharts.range(s, 0.9, null);
        assertThat(r.clipped()).isZero();
        assertThat(r.hi()).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void settingsReadAsTrainOptionsAndTheRawConfigIsNotShown() throws Exception {
        TrainConfig c = TrainConfig.defaults(ModelKind.AE).toBuilder().ensemble(6).mixed(true).build();
        ObjectNode settings = Report.settings(c, 6);
        assertThat(settings.get("--kind").asText()).startsWith("mix");
        assertThat(settings.get("--epochs").asText()).isEqualTo("200 at most; early stopping after 10 epochs without improvement");
        assertThat(settings.get("--hidden").asText()).startsWith("auto");
        assertThat(settings.get("--threshold-rule").asText()).isEqualTo("pot");

        Path model = dir.resolve("m.onnx");
        Path assets = Files.createDirectories(Report.assetsFor(model));
        ObjectNode training = new ObjectMapper().createObjectNode().put("kind", "ensemble").put("config", c.toString());
        training.set("settings", settings);
        Files.writeString(assets.resolve("training.json"), training.toString());
        String html = Files.readString(Report.render(model));
        assertThat(html).doesNotContain("TrainConfig[").contains("<h3>Settings</h3>")
                .contains("<th>--epochs</th><td>200 at most; early stopping after 10 epochs without improvement</td>");
    }

    @Test
    void aLossAxisOverDecadesIsLabelledOncePerDecade() {
        XYChart wide = ReportCharts.chart("loss", "epoch", "loss");
        ReportCharts.logYAxis(wide, 0.05, 40);
        assertThat(wide.getStyler().isYAxisLogarithmicDecadeOnly()).isTrue();
        XYChart narrow = ReportCharts.chart("loss", "epoch", "loss");
        ReportCharts.logYAxis(narrow, 0.2, 0.9);
        assertThat(narrow.getStyler().isYAxisLogarithmicDecadeOnly()).isFalse();
    }
}
