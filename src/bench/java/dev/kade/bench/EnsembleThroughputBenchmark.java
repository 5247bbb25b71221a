package dev.kade.bench;

import dev.kade.export.OnnxExporter;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetReader;
import dev.kade.model.ModelKind;
import dev.kade.onnx.OnnxModel;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainConfig;
import dev.kade.train.TrainedEnsemble;
import dev.kade.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Serving cost of an ensemble graph: rows per second through {@link OnnxModel#score} (ONNX Runtime, the
 * stream's scorer) for a single AE and for the default mixed ensemble, trained on the bundled shuttle
 * sample, at batch sizes 1, 64 and 512, measured alternately in one JVM. Prints a table and the ratio;
 * asserts nothing. Run with
 * {@code mvn -B -o -pl src/bench -am test -Dkade.excludedGroups= -Dgroups=benchmark -Dtest=EnsembleThroughputBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false} (see src/bench/README.md).
 */
@Tag("benchmark")
class EnsembleThroughputBenchmark {
    private static final Path DATA = Path.of("src", "demo", "resources", "datasets", "shuttle.train.csv");
    private static final double SECONDS = Double.parseDouble(System.getProperty("kade.bench.seconds", "3"));

    @Test
    void singleModelVersusDefaultEnsemble() throws Exception {
        DataSet train = DataSetReader.read(DATA, DataSetReader.Options.defaults());
        Path dir = Files.createTempDirectory("kade-ensemble-bench-");
        // few epochs: serving cost depends on the graph's shape, not on how well it was trained
        TrainConfig single = TrainConfig.defaults(ModelKind.AE).withEpochs(3);
        TrainConfig ensemble = single.toBuilder().mixed(true).ensemble(TrainConfig.DEFAULT_ENSEMBLE).build();
        Path one = dir.resolve("single.onnx");
        Path many = dir.resolve("ensemble.onnx");
        OnnxExporter.export(new Trainer().trainEnsemble(train, single, ProgressListener.NONE), one);
        TrainedEnsemble e = new Trainer().trainEnsemble(train, ensemble, ProgressListener.NONE);
        OnnxExporter.export(e, many);
        float[][] rows = train.rows();
        System.out.printf(Locale.ROOT, "%n| batch | single AE rows/s | ensemble K=%d (AE+VAE) rows/s | ratio |%n|---|---|---|---|%n", e.size());
        try (OnnxModel a = OnnxModel.load(one); OnnxModel b = OnnxModel.load(many)) {
            for (int batch : new int[] {1, 64, 256, 512, 1024}) {
                float[][] part = Arrays.copyOf(rows, batch);
                rate(a, part, 0.5);
                rate(b, part, 0.5);
                double ra = rate(a, part, SECONDS);
                double rb = rate(b, part, SECONDS);
                System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.2f |%n", batch, ra, rb, ra / rb);
            }
        }
    }

    private static double rate(OnnxModel m, float[][] batch, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long t0 = System.nanoTime();
        long rows = 0;
        while (System.nanoTime() < end) {
            m.score(batch);
            rows += batch.length;
        }
        return rows / ((System.nanoTime() - t0) / 1e9);
    }
}
