package dev.kade.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.export.WindowedExporter;
import dev.kade.model.ModelKind;
import dev.kade.series.SeriesSpec;
import dev.kade.series.SeriesWindows;
import dev.kade.train.SeriesFixtures;
import dev.kade.train.WindowedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record's score and feature errors must not depend on which other records share its ONNX Runtime call: the
 * stream's batches differ between a run and its restart after a crash, and the entity's likelihood folds the
 * feature errors in, so a last-bit difference would make an exactly-once replay drift from the uninterrupted run.
 */
class WindowedBatchInvarianceTest {
    @TempDir
    Path dir;

    @Test
    void aWindowScoresToTheSameBitsWhateverBatchItIsIn() throws Exception {
        SeriesSpec spec = SeriesSpec.of(8, 1);
        WindowedModel trained = SeriesFixtures.train(spec, ModelKind.AE, false);
        Path file = dir.resolve("w.onnx");
        WindowedExporter.export(trained, file);
        SeriesWindows w = SeriesFixtures.windows(spec, 5, 40, 11);
        int n = w.size();
        int cells = spec.width();
        int f = 1;
        float[] windows = new float[n * cells];
        float[] stats = new float[n * 2 * f];
        for (int i = 0; i < n; i++) {
            System.arraycopy(w.windows()[i], 0, windows, i * cells, cells);
            System.arraycopy(w.stats()[i], 0, stats, i * 2 * f, 2 * f);
        }
        try (OnnxModel model = OnnxModel.load(file)) {
            float[] refScore = new float[n];
            float[] refErrors = new float[n * f];
            model.scoreWindows(windows, stats, n, refScore, refErrors);
            List<String> differing = new ArrayList<>();
            for (int batch : new int[] {1, 2, 3, 7, 16, 33}) {
                for (int first = 0; first < n; first += batch) {
                    int m = Math.min(batch, n - first);
                    float[] s = new float[m];
                    float[] e = new float[m * f];
                    model.scoreWindows(Arrays.copyOfRange(windows, first * cells, (first + m) * cells),
                            Arrays.copyOfRange(stats, first * 2 * f, (first + m) * 2 * f), m, s, e);
                    for (int i = 0; i < m; i++) {
                        if (Float.floatToIntBits(s[i]) != Float.floatToIntBits(refScore[first + i])
                                || Float.floatToIntBits(e[i * f]) != Float.floatToIntBits(refErrors[(first + i) * f])) {
                            differing.add("batch " + batch + " row " + (first + i) + ": " + s[i] + "/" + e[i * f] + " vs "
                                    + refScore[first + i] + "/" + refErrors[(first + i) * f]);
                        }
                    }
                }
            }
            assertThat(differing).as("rows scored differently than in one call of all " + n).isEmpty();
        }
    }
}
