package dev.kade.bench;

import dev.kade.eval.Metrics;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetReader;
import dev.kade.model.ModelKind;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainConfig;
import dev.kade.train.TrainedModel;
import dev.kade.train.Trainer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Tuning harness (Java forward pass); superseded by the ONNX benchmark below once export exists. */
@Tag("benchmark")
class QualityBenchmark {
    static final List<String> SETS = List.of("thyroid", "cardio", "shuttle", "mammography", "pendigits",
            "annthyroid", "satellite", "pageblocks", "wilt", "optdigits");
    static final Path DIR = Path.of("..", "shared", "datasets");

    @Test
    void tune() {
        String kinds = System.getProperty("kade.bench.kinds", "ae");
        for (String k : kinds.split(",")) {
            ModelKind kind = ModelKind.parse(k);
            TrainConfig d = TrainConfig.defaults(kind);
            String hid = System.getProperty("kade.bench.hidden", "");
            TrainConfig c = new TrainConfig(kind,
                    hid.isEmpty() ? d.hidden() : java.util.Arrays.stream(hid.split(",")).map(Integer::valueOf).toList(),
                    Integer.getInteger("kade.bench.latent", d.latentDim()),
                    dev.kade.train.Activation.parse(System.getProperty("kade.bench.act", d.activation().name())),
                    Integer.getInteger("kade.bench.epochs", d.epochs()),
                    Integer.getInteger("kade.bench.batch", d.batchSize()),
                    Double.parseDouble(System.getProperty("kade.bench.lr", "" + d.learningRate())),
                    Double.parseDouble(System.getProperty("kade.bench.wd", "" + d.weightDecay())),
                    d.validationSplit(),
                    Integer.getInteger("kade.bench.patience", d.earlyStoppingPatience()),
                    d.seed(), d.thresholdQuantile(),
                    Double.parseDouble(System.getProperty("kade.bench.beta", "" + d.beta())),
                    dev.kade.train.Standardizer.Scaling.valueOf(System.getProperty("kade.bench.scaling", d.scaling().name())));
            System.out.println(c);
            double sumRoc = 0;
            double sumPr = 0;
            StringBuilder sb = new StringBuilder();
            for (String set : SETS) {
                DataSet train = DataSetReader.read(DIR.resolve(set + ".train.csv"), DataSetReader.Options.defaults());
                DataSet test = DataSetReader.read(DIR.resolve(set + ".test.csv"),
                        DataSetReader.Options.defaults().withLabelColumn("label").withFeatures(train.features()));
                long t0 = System.nanoTime();
                TrainedModel m = new Trainer().train(train, c, ProgressListener.NONE);
                double secs = (System.nanoTime() - t0) / 1e9;
                double[] s = m.scoreValues(test.rows());
                Metrics met = Metrics.of(s, test.labels(), m.metadata().threshold());
                sumRoc += met.rocAuc();
                sumPr += met.prAuc();
                sb.append(String.format(Locale.ROOT, "%-12s roc %.3f pr %.3f f1 %.3f epochs %3d best %3d epoch %.3fs total %.1fs%n",
                        set, met.rocAuc(), met.prAuc(), met.f1(), m.history().epochs(), m.history().bestEpoch(),
                        m.history().meanEpochSeconds(), secs));
                System.out.print(sb.substring(sb.lastIndexOf(set)));
            }
            System.out.printf(Locale.ROOT, "%s MEAN roc %.4f pr %.4f%n", kind, sumRoc / SETS.size(), sumPr / SETS.size());
        }
    }
}
