package dev.kade.bench;

import dev.kade.model.ModelKind;
import dev.kade.onnx.OnnxModel;
import dev.kade.export.WindowedExporter;
import dev.kade.series.SeriesSpec;
import dev.kade.series.SeriesRow;
import dev.kade.series.SeriesWindows;
import dev.kade.series.WindowBuilder;
import java.util.ArrayList;
import java.util.SplittableRandom;
import dev.kade.train.Activation;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainConfig;
import dev.kade.train.Trainer;
import dev.kade.train.WindowedModel;
import dev.kade.train.WindowedTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What scoring a window costs through ONNX Runtime: windows per second through
 * {@link OnnxModel#scoreWindows} at W = 32 with one value and its seasonal residual per step (nab-findings v4's
 * AE 64→32→8→32→64, tanh; entity_stats in the graph), per batch size, without and with the reconstruction output (which alerts show). Prints a table; asserts nothing.
 * Run with {@code mvn -B -pl src/bench -am test -Dtest=WindowedScoringBenchmark -Dkade.excludedGroups=none
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class WindowedScoringBenchmark {
    private static final double SECONDS = Double.parseDouble(System.getProperty("kade.bench.seconds", "3"));

    @Test
    void windowsPerSecondByBatchSize() throws Exception {
        SeriesSpec spec = SeriesSpec.of(32, 1).withSeasonal(java.util.Optional.of(dev.kade.series.SeasonalSpec.hourOfWeek(java.time.ZoneOffset.UTC)));
        int cells = spec.width();
        int f = spec.features();
        SeriesWindows w = WindowBuilder.build(spec, rows(8, 400));
        TrainConfig config = TrainConfig.defaults(ModelKind.AE).toBuilder().epochs(5).hidden(List.of(32)).latentDim(8)
                .activation(Activation.TANH).scaling(dev.kade.train.Standardizer.Scaling.NONE).build();
        WindowedModel trained = new WindowedTrainer(new Trainer()).train(w, List.of("value"), "bench", config, ProgressListener.NONE);
        Path file = Files.createTempDirectory("kade-window-bench-").resolve("w32.onnx");
        WindowedExporter.export(trained, file);
        System.out.printf(Locale.ROOT, "%n| W=32, value + seasonal residual, AE 64-32-8-32-64; batch | windows/s | windows/s with reconstruction |%n|---|---|---|%n");
        try (OnnxModel model = OnnxModel.load(file)) {
            for (int batch : new int[] {1, 16, 256}) {
                float[] windows = new float[batch * cells];
                float[] stats = new float[batch * 2 * f];
                for (int i = 0; i < batch; i++) {
                    System.arraycopy(w.windows()[i], 0, windows, i * cells, cells);
                    System.arraycopy(w.stats()[i], 0, stats, i * 2 * f, 2 * f);
                }
                float[] score = new float[batch];
                float[] errors = new float[batch * f];
                float[] recon = new float[batch * cells];
                double plain = 0;
                double withRecon = 0;
                for (int round = 0; round < 3; round++) {
                    plain = Math.max(plain, rate(() -> model.scoreWindows(windows, stats, batch, score, errors), batch));
                    withRecon = Math.max(withRecon, rate(() -> model.scoreWindows(windows, stats, batch, score, errors, recon), batch));
                }
                System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f |%n", batch, plain, withRecon);
            }
        }
    }

    /** Interleaved noisy sine series of {@code entities} entities on scales 1, 10, 100, ... */
    private static List<SeriesRow> rows(int entities, int steps) {
        SplittableRandom rng = new SplittableRandom(3);
        List<SeriesRow> rows = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            for (int e = 0; e < entities; e++) {
                double level = Math.pow(10, e % 4);
                rows.add(new SeriesRow("e" + e, t * 300_000L, new float[] {(float) (level * (2 + Math.sin(t / 7.0) + 0.1 * rng.nextGaussian()))}));
            }
        }
        return rows;
    }

    private static double rate(Runnable call, int batch) {
        long end = System.nanoTime() + (long) (SECONDS / 3 * 1e9);
        long t0 = System.nanoTime();
        long rows = 0;
        while (System.nanoTime() < end) {
            call.run();
            rows += batch;
        }
        return rows / ((System.nanoTime() - t0) / 1e9);
    }
}
