package dev.kade.bench;

import ai.onnx.proto.OnnxMl;
import dev.kade.export.OnnxExporter;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetReader;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelKind;
import dev.kade.onnx.OnnxModel;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainConfig;
import dev.kade.train.TrainedEnsemble;
import dev.kade.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the optional outputs cost the scoring path: rows per second through the stream's flat
 * {@link OnnxModel#score(float[], int, float[], float[])} for the same graph with and without the
 * {@code reconstruction} and {@code latent} outputs declared, and through the path that also fetches the
 * latent code ({@code scores.include.latent}), for a single AE and the default ensemble, measured
 * alternately in one JVM. Prints a table; asserts nothing. Run with
 * {@code mvn -B -o -pl src/bench -am test -Dkade.excludedGroups= -Dgroups=benchmark -Dtest=OptionalOutputsBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false} (see src/bench/README.md).
 */
@Tag("benchmark")
class OptionalOutputsBenchmark {
    private static final Path DATA = Path.of("src", "demo", "resources", "datasets", "shuttle.train.csv");
    private static final double SECONDS = Double.parseDouble(System.getProperty("kade.bench.seconds", "3"));
    private static final int BATCH = 256;

    @Test
    void scoringWithAndWithoutTheOptionalOutputs() throws Exception {
        DataSet train = DataSetReader.read(DATA, DataSetReader.Options.defaults());
        Path dir = Files.createTempDirectory("kade-outputs-bench-");
        TrainConfig single = TrainConfig.defaults(ModelKind.AE).withEpochs(3);
        TrainConfig mix = single.toBuilder().mixed(true).ensemble(TrainConfig.DEFAULT_ENSEMBLE).build();
        System.out.printf(Locale.ROOT, "%n| model (batch %d) | without optional outputs rows/s | with them rows/s | with them, fetching latent rows/s |%n"
                + "|---|---|---|---|%n", BATCH);
        for (TrainConfig c : new TrainConfig[] {single, mix}) {
            TrainedEnsemble e = new Trainer().trainEnsemble(train, c, ProgressListener.NONE);
            Path with = dir.resolve("with.onnx");
            Path without = dir.resolve("without.onnx");
            OnnxExporter.export(e, with);
            Files.write(without, strip(OnnxExporter.toProto(e)).toByteArray());
            int f = train.width();
            float[] flat = new float[BATCH * f];
            for (int i = 0; i < BATCH; i++) {
                System.arraycopy(train.rows()[i], 0, flat, i * f, f);
            }
            try (OnnxModel a = OnnxModel.load(without); OnnxModel b = OnnxModel.load(with)) {
                float[] score = new float[BATCH];
                float[] errors = new float[BATCH * f];
                float[] code = new float[BATCH * b.latentWidth()];
                Runnable plainA = () -> a.score(flat, BATCH, score, errors);
                Runnable plainB = () -> b.score(flat, BATCH, score, errors);
                Runnable latentB = () -> b.score(flat, BATCH, score, errors, code);
                double[] r = new double[3];
                for (int round = 0; round < 3; round++) { // alternate, keep the best of three
                    r[0] = Math.max(r[0], rate(plainA));
                    r[1] = Math.max(r[1], rate(plainB));
                    r[2] = Math.max(r[2], rate(latentB));
                }
                System.out.printf(Locale.ROOT, "| %s K=%d | %.0f | %.0f (%.2fx) | %.0f (%.2fx) |%n", e.metadata().kind().label(), e.size(),
                        r[0], r[1], r[1] / r[0], r[2], r[2] / r[0]);
            }
        }
    }

    private static OnnxMl.ModelProto strip(OnnxMl.ModelProto proto) {
        OnnxMl.GraphProto.Builder g = proto.getGraph().toBuilder();
        for (int i = g.getOutputCount() - 1; i >= 0; i--) {
            String name = g.getOutput(i).getName();
            if (name.equals(ModelContract.OUTPUT_RECONSTRUCTION) || name.equals(ModelContract.OUTPUT_LATENT)) {
                g.removeOutput(i);
            }
        }
        return proto.toBuilder().setGraph(g).build();
    }

    private static double rate(Runnable call) {
        long end = System.nanoTime() + (long) (SECONDS / 3 * 1e9);
        long t0 = System.nanoTime();
        long rows = 0;
        while (System.nanoTime() < end) {
            call.run();
            rows += BATCH;
        }
        return rows / ((System.nanoTime() - t0) / 1e9);
    }
}
