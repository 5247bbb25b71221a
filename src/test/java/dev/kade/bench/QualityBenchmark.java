package dev.kade.bench;

import dev.kade.eval.Evaluation;
import dev.kade.eval.Evaluator;
import dev.kade.eval.Metrics;
import dev.kade.features.ImputationPolicy;
import dev.kade.onnx.OnnxExporter;
import org.junit.jupiter.api.io.TempDir;
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

/**
 * Quality benchmark: trains kade's default AE and VAE on each of the ten labelled data sets, exports each
 * model to ONNX, scores the test split through ONNX Runtime ({@link Evaluator}, the stream's code path) and
 * prints ROC-AUC, PR-AUC, F1 at the model's threshold, epochs and seconds per epoch, plus the means. The
 * table is also written to {@code target/quality.md}. Run with
 * {@code mvn -o test -Dkade.excludedGroups= -Dgroups=benchmark -Dtest=QualityBenchmark#defaultsOnAllTenSets
 * -Dkade.bench.datasets=DIR}.
 *
 * <p>{@link #tune()} is the harness used to choose the defaults (Java forward pass, settings from system
 * properties {@code kade.bench.*}); it runs only with {@code -Dkade.bench.tune=true}.
 */
@Tag("benchmark")
class QualityBenchmark {
    static final List<String> SETS = List.of("thyroid", "cardio", "shuttle", "mammography", "pendigits",
            "annthyroid", "satellite", "pageblocks", "wilt", "optdigits");
    /** The ten ADBench splits (only thyroid and shuttle ship with kade): {@code -Dkade.bench.datasets=DIR}. */
    static final Path DIR = Path.of(System.getProperty("kade.bench.datasets", "../shared/datasets"));

    @org.junit.jupiter.api.BeforeAll
    static void needsTheDataSets() {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isRegularFile(DIR.resolve("optdigits.test.csv")),
                () -> "skipped: the quality benchmark needs the ten ADBench splits (NAME.train.csv, NAME.test.csv) in "
                        + DIR.toAbsolutePath().normalize() + "; point -Dkade.bench.datasets=DIR at them");
    }

    @Test
    void defaultsOnAllTenSets(@TempDir Path dir) throws Exception {
        StringBuilder table = new StringBuilder();
        table.append("| set | AE ROC-AUC | AE PR-AUC | AE F1 | AE epochs | AE s/epoch | VAE ROC-AUC | VAE PR-AUC | VAE F1 | VAE epochs | VAE s/epoch |\n");
        table.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        double[][] sums = new double[2][3];
        for (String set : SETS) {
            DataSet train = DataSetReader.read(DIR.resolve(set + ".train.csv"), DataSetReader.Options.defaults());
            table.append("| ").append(set);
            int k = 0;
            for (ModelKind kind : new ModelKind[] {ModelKind.AE, ModelKind.VAE}) {
                TrainedModel m = new Trainer().train(train, TrainConfig.defaults(kind), ProgressListener.NONE);
                Path file = dir.resolve(set + "-" + kind.label() + ".onnx");
                OnnxExporter.export(m, file);
                Evaluation e = Evaluator.evaluate(file, DIR.resolve(set + ".test.csv"), "label", ImputationPolicy.FAIL);
                Metrics met = e.metrics();
                sums[k][0] += met.rocAuc();
                sums[k][1] += met.prAuc();
                sums[k][2] += met.f1();
                table.append(String.format(Locale.ROOT, " | %.3f | %.3f | %.3f | %d | %.3f", met.rocAuc(), met.prAuc(), met.f1(),
                        m.history().epochs(), m.history().meanEpochSeconds()));
                k++;
            }
            table.append(" |\n");
            System.out.print(table.substring(table.lastIndexOf("| " + set)));
        }
        int n = SETS.size();
        table.append(String.format(Locale.ROOT, "| **mean** | **%.3f** | **%.3f** | %.3f | | | **%.3f** | **%.3f** | %.3f | | |%n",
                sums[0][0] / n, sums[0][1] / n, sums[0][2] / n, sums[1][0] / n, sums[1][1] / n, sums[1][2] / n));
        System.out.println();
        System.out.println(table);
        java.nio.file.Files.writeString(Path.of("target", "quality.md"), table.toString());
    }

    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "kade.bench.tune", matches = "true")
    void tune() {
        String kinds = System.getProperty("kade.bench.kinds", "ae");
        for (String k : kinds.split(",")) {
            ModelKind kind = ModelKind.parse(k);
            TrainConfig d = TrainConfig.defaults(kind);
            String hid = System.getProperty("kade.bench.hidden", "");
            TrainConfig c = d.toBuilder()
                    .hidden(hid.isEmpty() ? d.hidden() : java.util.Arrays.stream(hid.split(",")).map(Integer::valueOf).toList())
                    .latentDim(Integer.getInteger("kade.bench.latent", d.latentDim()))
                    .activation(dev.kade.train.Activation.parse(System.getProperty("kade.bench.act", d.activation().name())))
                    .epochs(Integer.getInteger("kade.bench.epochs", d.epochs()))
                    .batchSize(Integer.getInteger("kade.bench.batch", d.batchSize()))
                    .learningRate(Double.parseDouble(System.getProperty("kade.bench.lr", "" + d.learningRate())))
                    .weightDecay(Double.parseDouble(System.getProperty("kade.bench.wd", "" + d.weightDecay())))
                    .earlyStoppingPatience(Integer.getInteger("kade.bench.patience", d.earlyStoppingPatience()))
                    .seed(Long.getLong("kade.bench.seed", d.seed()))
                    .beta(Double.parseDouble(System.getProperty("kade.bench.beta", "" + d.beta())))
                    .scaling(dev.kade.train.Standardizer.Scaling.valueOf(System.getProperty("kade.bench.scaling", d.scaling().name())))
                    .build();
            System.out.println(c);
            double sumRoc = 0;
            double sumPr = 0;
            StringBuilder sb = new StringBuilder();
            for (String set : SETS) {
                DataSet train = DataSetReader.read(DIR.resolve(set + ".train.csv"), DataSetReader.Options.defaults());
                DataSet test = DataSetReader.read(DIR.resolve(set + ".test.csv"),
                        DataSetReader.Options.defaults().withLabelColumn("label").withFeatures(train.features()));
                long t0 = System.nanoTime();
                TrainConfig cc = c;
                String arch = System.getProperty("kade.bench.arch", "");
                if (!arch.isEmpty()) { // e.g. "2,1:0.25" = hidden 2F,F latent F/4
                    int f = train.width();
                    String[] parts = arch.split(":");
                    java.util.List<Integer> h = java.util.Arrays.stream(parts[0].split(","))
                            .map(x -> Math.max(2, (int) Math.round(Double.parseDouble(x) * f))).toList();
                    cc = c.withArchitecture(h, Math.max(1, (int) Math.round(Double.parseDouble(parts[1]) * f)));
                }
                TrainedModel m = new Trainer().train(train, cc, ProgressListener.NONE);
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

    /**
     * Screening harness: for each set and seed, one shared split, then one network per member spec; writes
     * each member's validation and test scores and feature errors (float32 little-endian) and the test labels
     * to {@code target/pool/} so that ways of combining members can be compared offline without retraining.
     * Specs ({@code -Dkade.bench.members=ae,vae,ae:noise=0.1}) take options noise, penalty, latent (×F), lr,
     * beta, scaling, epochs. Sets and seeds: {@code -Dkade.bench.sets=}, {@code -Dkade.bench.seeds=}.
     */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "kade.bench.pool", matches = "true")
    void pool() throws Exception {
        List<String> sets = List.of(System.getProperty("kade.bench.sets", String.join(",", SETS)).split(","));
        List<String> seeds = List.of(System.getProperty("kade.bench.seeds", "1,2,3,42").split(","));
        List<String> members = List.of(System.getProperty("kade.bench.members", "ae,ae,ae,vae,vae,vae").split(","));
        String tag = System.getProperty("kade.bench.tag", "");
        Path out = Path.of("target", "pool");
        java.nio.file.Files.createDirectories(out);
        for (String set : sets) {
            DataSet train = DataSetReader.read(DIR.resolve(set + ".train.csv"), DataSetReader.Options.defaults());
            DataSet test = DataSetReader.read(DIR.resolve(set + ".test.csv"),
                    DataSetReader.Options.defaults().withLabelColumn("label").withFeatures(train.features()));
            int f = train.width();
            for (String seedText : seeds) {
                long seed = Long.parseLong(seedText);
                java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
                dev.kade.train.DataSplit split = dev.kade.train.DataSplit.random(train.size(), 0.2, rng);
                float[][] valRows = new float[split.validation().length][];
                int[] vi = split.validation();
                for (int i = 0; i < vi.length; i++) {
                    valRows[i] = train.rows()[vi[i]];
                }
                writeInts(out.resolve(set + "-" + seed + ".labels"), test.labels());
                for (int k = 0; k < members.size(); k++) {
                    String spec = members.get(k);
                    TrainConfig c = memberConfig(spec, f, seed);
                    dev.kade.train.Standardizer st = dev.kade.train.Standardizer.fit(train.rows(), split.train(), c.scaling());
                    long t0 = System.nanoTime();
                    TrainedModel m = new Trainer().trainMember(train, c, split, st,
                            new java.util.SplittableRandom(seed * 1_000_003L + k + 1), ProgressListener.NONE);
                    double secs = (System.nanoTime() - t0) / 1e9;
                    String base = set + "-" + seed + "-" + tag + spec.replace(':', '_').replace("=", "").replace('.', 'p') + "-" + k;
                    dev.kade.model.Scores vs = m.score(valRows);
                    dev.kade.model.Scores ts = m.score(test.rows());
                    writeScores(out.resolve(base + ".val"), vs);
                    writeScores(out.resolve(base + ".test"), ts);
                    double roc = Metrics.of(toDouble(ts.score()), test.labels(), m.metadata().threshold()).rocAuc();
                    System.out.printf(Locale.ROOT, "POOL %s seed %d %s #%d roc %.4f epochs %d secs %.2f%n", set, seed, spec, k, roc,
                            m.history().epochs(), secs);
                }
            }
        }
    }

    static TrainConfig memberConfig(String spec, int f, long seed) {
        String[] parts = spec.split(":");
        TrainConfig.Builder b = TrainConfig.defaults(ModelKind.parse(parts[0])).toBuilder().seed(seed);
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=");
            switch (kv[0]) {
                case "noise" -> b.inputNoise(Double.parseDouble(kv[1]));
                case "penalty" -> b.codePenalty(Double.parseDouble(kv[1]));
                case "latent" -> b.latentDim(Math.max(1, (int) Math.round(Double.parseDouble(kv[1]) * f)));
                case "lr" -> b.learningRate(Double.parseDouble(kv[1]));
                case "beta" -> b.beta(Double.parseDouble(kv[1]));
                case "epochs" -> b.epochs(Integer.parseInt(kv[1]));
                case "wd" -> b.weightDecay(Double.parseDouble(kv[1]));
                case "scaling" -> b.scaling(dev.kade.train.Standardizer.Scaling.valueOf(kv[1].toUpperCase(Locale.ROOT)));
                default -> throw new IllegalArgumentException("unknown member option " + kv[0]);
            }
        }
        return b.build();
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private static void writeScores(Path file, dev.kade.model.Scores s) throws java.io.IOException {
        int n = s.score().length;
        int f = n == 0 ? 0 : s.featureErrors()[0].length;
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4 * n * (f + 1)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            buf.putFloat(s.score()[i]);
            for (int j = 0; j < f; j++) {
                buf.putFloat(s.featureErrors()[i][j]);
            }
        }
        java.nio.file.Files.write(file, buf.array());
    }

    private static void writeInts(Path file, int[] v) throws java.io.IOException {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            buf.putInt(x);
        }
        java.nio.file.Files.write(file, buf.array());
    }
}
