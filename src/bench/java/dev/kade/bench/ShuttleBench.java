package dev.kade.bench;

import dev.kade.demo.DemoData;
import dev.kade.export.OnnxExporter;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetReader;
import dev.kade.model.ModelKind;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainConfig;
import dev.kade.train.TrainedModel;
import dev.kade.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What the microbenchmarks score: a default {@code kade train} AE on the shipped shuttle training split,
 * and shuttle test rows as JSON records (9 features, about 7% anomalies), as the stream sees them.
 *
 * <p>The trained model is kept in {@code target/jmh/} so that each JMH fork does not train again
 * ({@code mvn clean} removes it).
 */
final class ShuttleBench {
    static final Path MODEL = Path.of("target", "jmh", "shuttle-ae.onnx");

    private ShuttleBench() {
    }

    /** The default AE for shuttle, trained on first use. */
    static synchronized Path model() {
        if (Files.isRegularFile(MODEL)) {
            return MODEL;
        }
        DataSet train = DataSetReader.readResource("/datasets/shuttle.train.csv", DataSetReader.Options.defaults());
        TrainedModel model = new Trainer().train(train, TrainConfig.defaults(ModelKind.AE), ProgressListener.NONE);
        try {
            Files.createDirectories(MODEL.getParent());
            Path tmp = MODEL.resolveSibling("shuttle-ae.onnx.tmp");
            OnnxExporter.export(model, tmp);
            Files.move(tmp, MODEL, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return MODEL;
    }

    /**
     * The names of the shuttle features, in the order of the model's input and of {@link #records}' fields: those of
     * the {@link DemoData} records the stream benchmarks produce.
     */
    static java.util.List<String> features() {
        return DemoData.fromResource(DemoData.TEST_RESOURCE).features();
    }

    /** The shuttle test rows as JSON records, {@code {"f0":..,...,"f8":..}}, in file order, as many as asked (cycling). */
    static byte[][] records(int count) {
        DataSet test = DataSetReader.readResource("/datasets/shuttle.test.csv",
                DataSetReader.Options.defaults().withLabelColumn("label"));
        byte[][] out = new byte[count][];
        for (int i = 0; i < count; i++) {
            float[] row = test.rows()[i % test.size()];
            StringBuilder b = new StringBuilder("{");
            for (int j = 0; j < row.length; j++) {
                b.append(j == 0 ? "" : ",").append('"').append(test.features().get(j)).append("\":").append(Math.round(row[j]));
            }
            out[i] = b.append('}').toString().getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }
}
