package dev.kade.bench;

import dev.kade.eval.Evaluation;
import dev.kade.eval.Evaluator;
import dev.kade.eval.Metrics;
import dev.kade.export.OnnxExporter;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetReader;
import dev.kade.features.ImputationPolicy;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Quality benchmark: trains kade's default model (the mixed AE + VAE ensemble) on each of the ten labelled data
 * sets, exports it to ONNX, scores the test split through ONNX Runtime ({@link Evaluator}, the stream's code path)
 * and appends one line per set and seed to {@code target/quality-runs.tsv} ({@link #defaultEnsemble}); {@link #table}
 * aggregates those lines into {@code target/quality.md}, the table docs/quality.md shows. Run with
 * {@code mvn -B -pl src/bench -am test -Dsurefire.failIfNoSpecifiedTests=false
 * -Dkade.excludedGroups= -Dgroups=benchmark -Dtest=QualityBenchmark#defaultEnsemble
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

    /** {@code -Dkade.bench.sets=}: the sets to run, all ten by default. */
    static List<String> sets() {
        return List.of(System.getProperty("kade.bench.sets", String.join(",", SETS)).split(","));
    }

    /** {@code -Dkade.bench.seeds=}: the seeds, those of the README's table by default. */
    static List<String> seeds() {
        return List.of(System.getProperty("kade.bench.seeds", "1,2,3,42").split(","));
    }

    /** {@code -Dkade.bench.members=}: member specs of the pool and of a replay, the default ensemble's by default. */
    static List<String> members() {
        return List.of(System.getProperty("kade.bench.members", "ae,ae,ae,vae,vae,vae").split(","));
    }

    @org.junit.jupiter.api.BeforeAll
    static void needsTheDataSets() {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isRegularFile(DIR.resolve("optdigits.test.csv")),
                () -> "skipped: the quality benchmark needs the ten ADBench splits (NAME.train.csv, NAME.test.csv) in "
                        + DIR.toAbsolutePath().normalize() + "; point -Dkade.bench.datasets=DIR at them");
    }

    /** Written by {@code src/bench/baselines/run}: set, seed, IsolationForest ROC-AUC, PyTorch AE ROC-AUC per line. */
    static final Path BASELINES = Path.of(System.getProperty("kade.bench.baselines", "target/baselines.tsv"));

    /**
     * IsolationForest and PyTorch AE (kade's default AE shape) ROC-AUC per set, the mean over the seeds
     * {@code src/bench/baselines/run} ran on the same splits ({@code NaN} where PyTorch was missing). Computed, never
     * constants: fails naming the command when the file is absent.
     */
    static java.util.Map<String, double[]> reference() {
        if (!java.nio.file.Files.isRegularFile(BASELINES)) {
            throw new IllegalStateException("no " + BASELINES.toAbsolutePath().normalize() + ": run src/bench/baselines/run "
                    + "first (IsolationForest and the PyTorch AE on the same splits and seeds), or point -Dkade.bench.baselines=FILE at its output");
        }
        java.util.Map<String, double[]> sums = new java.util.TreeMap<>();
        try {
            for (String line : java.nio.file.Files.readAllLines(BASELINES)) {
                String[] c = line.split("\t");
                double[] acc = sums.computeIfAbsent(c[0], k -> new double[3]);
                acc[0] += Double.parseDouble(c[2]);
                acc[1] += Double.parseDouble(c[3]);
                acc[2]++;
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        java.util.Map<String, double[]> out = new java.util.TreeMap<>();
        sums.forEach((set, acc) -> out.put(set, new double[] {acc[0] / acc[2], acc[1] / acc[2]}));
        return out;
    }

    static final Path RUNS = Path.of("target", "quality-runs.tsv");

    /**
     * kade's default model ({@code kade train} with no options: a mixed ensemble of AEs and VAEs) per set and
     * seed: trained, exported, scored on the test split through ONNX Runtime. Appends one line per run to
     * {@code target/quality-runs.tsv} (so runs can be split over processes; {@link #table()} aggregates):
     * ROC-AUC, PR-AUC, precision/recall/F1 at the model's POT threshold, F1 with the quantile and MAD rules,
     * training seconds, and, from the same run, ROC-AUC of the first AE and the first VAE member alone
     * (Java forward pass) and their training seconds. Sets and seeds: {@code -Dkade.bench.sets=},
     * {@code -Dkade.bench.seeds=} (default all ten, seeds 1, 2, 3, 42).
     */
    @Test
    void defaultEnsemble(@TempDir Path dir) throws Exception {
        List<String> sets = sets();
        List<String> seeds = seeds();
        java.nio.file.Files.createDirectories(RUNS.getParent());
        for (String set : sets) {
            DataSet train = DataSetReader.read(DIR.resolve(set + ".train.csv"), DataSetReader.Options.defaults());
            DataSet test = DataSetReader.read(DIR.resolve(set + ".test.csv"),
                    DataSetReader.Options.defaults().withLabelColumn("label").withFeatures(train.features()));
            for (String seedText : seeds) {
                TrainConfig config = defaultConfig().withSeed(Long.parseLong(seedText));
                long t0 = System.nanoTime();
                dev.kade.train.TrainedEnsemble model = new Trainer().trainEnsemble(train, config, ProgressListener.NONE);
                double seconds = (System.nanoTime() - t0) / 1e9;
                Path file = dir.resolve(set + "-" + seedText + ".onnx");
                OnnxExporter.export(model, file);
                Evaluation e = Evaluator.evaluate(file, DIR.resolve(set + ".test.csv"), "label", ImputationPolicy.FAIL);
                Metrics m = e.metrics();
                double[] val = model.validationScores();
                double q = config.thresholdQuantile();
                double f1Quantile = Metrics.of(e.scores(), e.labels(), dev.kade.train.ThresholdRule.QUANTILE.threshold(val, q)).f1();
                double f1Mad = Metrics.of(e.scores(), e.labels(), dev.kade.train.ThresholdRule.MAD.threshold(val, q)).f1();
                TrainedModel ae = model.members().get(0);
                TrainedModel vae = model.members().get(model.size() - 1);
                double aeRoc = Metrics.of(ae.scoreValues(test.rows()), test.labels(), 0).rocAuc();
                double vaeRoc = Metrics.of(vae.scoreValues(test.rows()), test.labels(), 0).rocAuc();
                String line = String.join("\t", set, seedText, f(m.rocAuc()), f(m.prAuc()), f(m.precision()), f(m.recall()), f(m.f1()),
                        f(f1Quantile), f(f1Mad), f(seconds), f(aeRoc), f(vaeRoc), f(trainingSeconds(ae)), f(trainingSeconds(vae)),
                        Integer.toString(model.size()));
                java.nio.file.Files.writeString(RUNS, line + "\n", java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
                System.out.println("RUN " + line);
            }
        }
    }

    /** The default model's config: what {@code kade train} uses with no options. */
    static TrainConfig defaultConfig() {
        return TrainConfig.defaults(ModelKind.AE).toBuilder().mixed(true).ensemble(TrainConfig.DEFAULT_ENSEMBLE).build();
    }

    private static double trainingSeconds(TrainedModel m) {
        return m.history().epochSeconds().stream().mapToDouble(Double::doubleValue).sum();
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.5f", v);
    }

    /**
     * Aggregates {@code target/quality-runs.tsv} (the last line per set and seed) into the README table:
     * per set the mean over seeds of the default ensemble's ROC-AUC (with its range), PR-AUC, F1 at the POT
     * threshold, the single AE and VAE members, IsolationForest and the PyTorch AE; then the mean per seed,
     * the spread of the mean over seeds, wins over IsolationForest and training time.
     */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "kade.bench.table", matches = "true")
    void table() throws Exception {
        java.util.Map<String, double[]> reference = reference();
        java.util.Map<String, java.util.Map<String, String[]>> runs = new java.util.TreeMap<>();
        for (String line : java.nio.file.Files.readAllLines(RUNS)) {
            String[] c = line.split("\t");
            runs.computeIfAbsent(c[0], k -> new java.util.TreeMap<>()).put(c[1], c);
        }
        StringBuilder t = new StringBuilder();
        t.append("| set | kade default ROC-AUC (min–max) | PR-AUC | precision | recall | F1 | F1 quantile | F1 MAD | single AE | single VAE | IsolationForest | PyTorch AE |\n");
        t.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        java.util.Map<String, double[]> perSeed = new java.util.TreeMap<>();
        double[] sums = new double[10];
        int sets = 0;
        int wins = 0;
        double ensSeconds = 0;
        double aeSeconds = 0;
        int n = 0;
        for (String set : SETS) {
            java.util.Map<String, String[]> bySeed = runs.get(set);
            if (bySeed == null) {
                continue;
            }
            double[] mean = new double[9];
            double lo = 1;
            double hi = 0;
            for (String[] c : bySeed.values()) {
                double roc = Double.parseDouble(c[2]);
                lo = Math.min(lo, roc);
                hi = Math.max(hi, roc);
                int[] cols = {2, 3, 4, 5, 6, 7, 8, 10, 11};
                for (int i = 0; i < cols.length; i++) {
                    mean[i] += Double.parseDouble(c[cols[i]]) / bySeed.size();
                }
                perSeed.computeIfAbsent(c[1], k -> new double[2]);
                perSeed.get(c[1])[0] += roc;
                perSeed.get(c[1])[1] += 1;
                ensSeconds += Double.parseDouble(c[9]);
                aeSeconds += Double.parseDouble(c[12]);
                n++;
            }
            double[] ref = reference.getOrDefault(set, new double[] {Double.NaN, Double.NaN});
            wins += mean[0] > ref[0] ? 1 : 0;
            for (int i = 0; i < mean.length; i++) {
                sums[i] += mean[i];
            }
            sums[9] += ref[0];
            sets++;
            t.append(String.format(Locale.ROOT, "| %s | %.3f (%.3f–%.3f) | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
                    set, mean[0], lo, hi, mean[1], mean[2], mean[3], mean[4], mean[5], mean[6], mean[7], mean[8], ref[0], ref[1]));
        }
        double torch = SETS.stream().filter(runs::containsKey).mapToDouble(s -> reference.getOrDefault(s, new double[] {Double.NaN, Double.NaN})[1]).sum();
        t.append(String.format(Locale.ROOT, "| **mean** | **%.3f** | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
                sums[0] / sets, sums[1] / sets, sums[2] / sets, sums[3] / sets, sums[4] / sets, sums[5] / sets, sums[6] / sets,
                sums[7] / sets, sums[8] / sets, sums[9] / sets, torch / sets));
        t.append("\nMean ROC-AUC over the sets per seed:");
        double min = 1;
        double max = 0;
        for (java.util.Map.Entry<String, double[]> e : perSeed.entrySet()) {
            double m = e.getValue()[0] / e.getValue()[1];
            min = Math.min(min, m);
            max = Math.max(max, m);
            t.append(String.format(Locale.ROOT, " seed %s %.4f (%d sets);", e.getKey(), m, (int) e.getValue()[1]));
        }
        t.append(String.format(Locale.ROOT, " spread %.4f.%nBeats IsolationForest on %d of %d sets. Training: %.1f s per ensemble, %.1f s per single AE member (mean over %d runs, %.1f×).%n",
                max - min, wins, sets, ensSeconds / n, aeSeconds / n, n, ensSeconds / aeSeconds));
        System.out.println(t);
        java.nio.file.Files.writeString(Path.of("target", "quality.md"), t.toString());
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
        List<String> sets = sets();
        List<String> seeds = seeds();
        List<String> members = members();
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
                int offset = Integer.getInteger("kade.bench.offset", 0); // to split one seed's members over processes
                for (int k = offset; k < members.size(); k++) {
                    String spec = members.get(k);
                    TrainConfig c = memberConfig(spec, f, seed);
                    dev.kade.train.Standardizer st = dev.kade.train.Standardizer.fit(train.rows(), split.train(), c.scaling());
                    long t0 = System.nanoTime();
                    TrainedModel m = new Trainer().trainMember(train, c, split, st,
                            new java.util.SplittableRandom(Trainer.memberSeed(seed, k)), ProgressListener.NONE);
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

    /**
     * Replays the stored pool ({@link #pool()}): combines members as {@link Trainer#trainEnsemble} does (AE
     * members weighted per feature by their inverse mean validation errors, every member's score centred and
     * scaled on its validation scores, the scaled scores averaged) and prints the mean ROC-AUC per seed and
     * its spread, with the member scale fitted as {@code -Dkade.bench.fit=MEDIAN_IQR} (default) or
     * {@code MEAN_SD}. Members: {@code -Dkade.bench.members=ae,ae,ae,vae,vae,vae} (pool file specs, in member
     * order; {@code vae#5} names the pool member by its index, to replay a subset such as {@code ae#0,vae#5}).
     * This is how the README's ablation rows were computed without retraining.
     */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "kade.bench.replay", matches = "true")
    void replay() throws Exception {
        List<String> sets = sets();
        List<String> seeds = seeds();
        List<String> members = members();
        dev.kade.train.MemberScale.Fit fit = dev.kade.train.MemberScale.Fit.valueOf(System.getProperty("kade.bench.fit", "MEDIAN_IQR"));
        Path pool = Path.of("target", "pool");
        double[][] roc = new double[sets.size()][seeds.size()];
        for (int a = 0; a < sets.size(); a++) {
            for (int b = 0; b < seeds.size(); b++) {
                String prefix = sets.get(a) + "-" + seeds.get(b);
                int[] labels = readInts(pool.resolve(prefix + ".labels"));
                double[] combined = new double[labels.length];
                for (int k = 0; k < members.size(); k++) {
                    String[] named = members.get(k).split("#");
                    String spec = named[0];
                    String file = prefix + "-" + spec + "-" + (named.length > 1 ? named[1] : Integer.toString(k));
                    float[][] val = readRows(pool.resolve(file + ".val"), labels, pool.resolve(file + ".test"));
                    float[][] test = readRows(pool.resolve(file + ".test"), labels, null);
                    boolean ae = spec.startsWith("ae");
                    double[] weights = new double[0];
                    if (ae) {
                        float[][] errors = new float[val.length][];
                        for (int i = 0; i < val.length; i++) {
                            errors[i] = java.util.Arrays.copyOfRange(val[i], 1, val[i].length);
                        }
                        weights = dev.kade.train.MemberScale.inverseMeanErrors(errors);
                    }
                    dev.kade.train.MemberScale weighting = new dev.kade.train.MemberScale(false, 0, 1, 1, weights);
                    double[] valScores = new double[val.length];
                    for (int i = 0; i < val.length; i++) {
                        valScores[i] = (float) weighting.memberScore(val[i][0], java.util.Arrays.copyOfRange(val[i], 1, val[i].length));
                    }
                    dev.kade.train.MemberScale scale = dev.kade.train.MemberScale.fit(valScores, false, weights, fit);
                    for (int i = 0; i < test.length; i++) {
                        combined[i] += scale.score((float) scale.memberScore(test[i][0], java.util.Arrays.copyOfRange(test[i], 1, test[i].length)));
                    }
                }
                roc[a][b] = Metrics.of(combined, labels, 0).rocAuc();
            }
        }
        StringBuilder out = new StringBuilder("REPLAY " + fit + " " + members + "\n");
        double lo = 1;
        double hi = 0;
        double all = 0;
        for (int b = 0; b < seeds.size(); b++) {
            double m = 0;
            for (int a = 0; a < sets.size(); a++) {
                m += roc[a][b] / sets.size();
            }
            lo = Math.min(lo, m);
            hi = Math.max(hi, m);
            all += m / seeds.size();
            out.append(String.format(Locale.ROOT, "seed %s %.4f  ", seeds.get(b), m));
        }
        int wins = 0;
        for (int a = 0; a < sets.size(); a++) {
            double m = java.util.Arrays.stream(roc[a]).average().orElseThrow();
            wins += m > reference().get(sets.get(a))[0] ? 1 : 0;
            out.append(String.format(Locale.ROOT, "%n  %-12s %.4f", sets.get(a), m));
        }
        out.append(String.format(Locale.ROOT, "%nmean %.4f spread %.4f beats IsolationForest on %d of %d%n", all, hi - lo, wins, sets.size()));
        System.out.print(out);
    }

    /** Pool rows {@code [score, feature errors...]}; the width is taken from the test file and the labels. */
    private static float[][] readRows(Path file, int[] labels, Path widthFrom) throws java.io.IOException {
        long testFloats = java.nio.file.Files.size(widthFrom == null ? file : widthFrom) / 4;
        int width = (int) (testFloats / labels.length);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(file)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        float[][] rows = new float[buf.remaining() / 4 / width][width];
        for (float[] row : rows) {
            for (int j = 0; j < width; j++) {
                row[j] = buf.getFloat();
            }
        }
        return rows;
    }

    private static int[] readInts(Path file) throws java.io.IOException {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(file)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int[] v = new int[buf.remaining() / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = buf.getInt();
        }
        return v;
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
