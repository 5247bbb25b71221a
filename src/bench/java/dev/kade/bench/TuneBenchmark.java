package dev.kade.bench;

import dev.kade.eval.Evaluation;
import dev.kade.eval.Evaluator;
import dev.kade.eval.Metrics;
import dev.kade.export.OnnxExporter;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetReader;
import dev.kade.features.ImputationPolicy;
import dev.kade.model.ModelKind;
import dev.kade.train.TrainConfig;
import dev.kade.train.Trainer;
import dev.kade.tune.Criterion;
import dev.kade.tune.SearchSpace;
import dev.kade.tune.Trial;
import dev.kade.tune.TuneResult;
import dev.kade.tune.Tuner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "tuning" row of the quality ablation: {@code kade tune} without labels (default budget, one seed) on
 * each of the ten ADBench splits, the chosen model exported and its test split scored through ONNX Runtime
 * ({@link Evaluator}, the stream's code path).
 *
 * <p>Per set it prints the chosen candidate, test ROC-AUC and PR-AUC, the IsolationForest reference and the
 * tuning seconds (every candidate plus the final training; also as a multiple of the first candidate, the
 * default AE on the tuning part). As diagnostics of the criterion it also prints every candidate's test
 * ROC-AUC (the candidate as trained on the tuning part, Java forward pass): the best of them (what a perfect
 * criterion could have chosen), the default mix among them, and the Spearman correlation between the
 * criterion and the test ROC-AUC over the candidates. The test labels are read only for those figures: the
 * choice is made by {@link Criterion#SYNTHETIC} exactly as {@code kade tune} makes it.
 *
 * <p>Run with {@code mvn -o -pl src/bench -am test -Dsurefire.failIfNoSpecifiedTests=false
 * -Dkade.excludedGroups= -Dgroups=benchmark -Dtest=TuneBenchmark
 * -Dkade.bench.datasets=DIR} [{@code -Dkade.bench.sets=wilt,thyroid} {@code -Dkade.bench.seeds=42}
 * {@code -Dkade.bench.trials=8}]; lines are appended to {@code target/tune-runs.tsv}.
 */
@Tag("benchmark")
class TuneBenchmark {
    private static final String DATASETS = System.getProperty("kade.bench.datasets");

    @BeforeAll
    static void needsTheDataSets() {
        Assumptions.assumeTrue(DATASETS != null,
                "skipped: TuneBenchmark needs the ten ADBench splits (NAME.train.csv, NAME.test.csv); point -Dkade.bench.datasets=DIR at them");
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(DATASETS).resolve("optdigits.test.csv")),
                () -> "skipped: no ADBench splits in " + Path.of(DATASETS).toAbsolutePath().normalize());
    }

    @Test
    void tunedWithoutLabelsOnEverySet(@TempDir Path dir) throws Exception {
        Path data = Path.of(DATASETS);
        List<String> sets = List.of(System.getProperty("kade.bench.sets", String.join(",", QualityBenchmark.SETS)).split(","));
        List<String> seeds = List.of(System.getProperty("kade.bench.seeds", "42").split(","));
        int trials = Integer.getInteger("kade.bench.trials", SearchSpace.DEFAULT_TRIALS);
        Path runs = Path.of("target", "tune-runs.tsv");
        Files.createDirectories(runs.getParent());
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%-12s %4s  %-36s %7s %7s %7s  %8s %6s  %7s %7s %8s%n", "set", "seed", "chosen", "ROC-AUC", "PR-AUC", "IForest",
                "tune s", "x ae", "oracle", "mix 80%", "spearman"));
        double sumRoc = 0;
        double sumPr = 0;
        int wins = 0;
        int n = 0;
        for (String set : sets) {
            Path trainFile = data.resolve(set + ".train.csv");
            Path testFile = data.resolve(set + ".test.csv");
            DataSet train = DataSetReader.read(trainFile, DataSetReader.Options.defaults());
            DataSet test = DataSetReader.read(testFile, DataSetReader.Options.defaults().withLabelColumn("label").withFeatures(train.features()));
            for (String seedText : seeds) {
                long seed = Long.parseLong(seedText);
                TrainConfig base = TrainConfig.defaults(ModelKind.AE).withSeed(seed);
                long t0 = System.nanoTime();
                TuneResult r = new Tuner(new Trainer()).tune(train, base, SearchSpace.candidates(trials, seed), Optional.of(test),
                        Criterion.SYNTHETIC, t -> System.out.printf(Locale.ROOT, "  %s %s synthetic %.4f (permuted %.4f, beyond %.4f) test %.4f %.1f s%n", set,
                                t.candidate().name(), t.syntheticAuc(), t.permutedAuc(), t.beyondRangeAuc(), t.labelledAuc(), t.trainSeconds()));
                double seconds = (System.nanoTime() - t0) / 1e9;
                Path file = dir.resolve(set + "-" + seed + ".onnx");
                OnnxExporter.export(r.model(), file);
                Evaluation e = Evaluator.evaluate(file, testFile, "label", ImputationPolicy.FAIL);
                Metrics m = e.metrics();
                double ifRef = QualityBenchmark.reference().get(set)[0];
                double oracle = r.trials().stream().mapToDouble(Trial::labelledAuc).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
                double mix = r.trials().stream().filter(t -> t.candidate().mixed()).mapToDouble(Trial::labelledAuc).findFirst().orElse(Double.NaN);
                double rho = spearman(r.trials().stream().filter(t -> !t.failed()).mapToDouble(Trial::syntheticAuc).toArray(),
                        r.trials().stream().filter(t -> !t.failed()).mapToDouble(Trial::labelledAuc).toArray());
                double perAe = seconds / r.trials().get(0).trainSeconds();
                String chosen = r.chosenTrial().candidate().name();
                table.append(String.format(Locale.ROOT, "%-12s %4d  %-36s %7.4f %7.4f %7.3f  %8.1f %6.1f  %7.4f %7.4f %8.3f%n",
                        set, seed, chosen, m.rocAuc(), m.prAuc(), ifRef, seconds, perAe, oracle, mix, rho));
                String line = String.join("\t", set, seedText, chosen, f(m.rocAuc()), f(m.prAuc()), f(ifRef), f(seconds), f(perAe),
                        f(oracle), f(mix), f(rho), r.chosenTrial().candidate().trainOptions(train.width()));
                Files.writeString(runs, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                System.out.println("RUN " + line);
                sumRoc += m.rocAuc();
                sumPr += m.prAuc();
                wins += m.rocAuc() > ifRef ? 1 : 0;
                n++;
            }
        }
        table.append(String.format(Locale.ROOT, "mean over %d runs: ROC-AUC %.4f, PR-AUC %.4f; beats IsolationForest in %d%n",
                n, sumRoc / n, sumPr / n, wins));
        System.out.print(table);
    }

    /** Spearman rank correlation (average ranks for ties). */
    static double spearman(double[] a, double[] b) {
        double[] ra = ranks(a);
        double[] rb = ranks(b);
        double ma = Arrays.stream(ra).average().orElse(0);
        double mb = Arrays.stream(rb).average().orElse(0);
        double cov = 0;
        double va = 0;
        double vb = 0;
        for (int i = 0; i < ra.length; i++) {
            cov += (ra[i] - ma) * (rb[i] - mb);
            va += (ra[i] - ma) * (ra[i] - ma);
            vb += (rb[i] - mb) * (rb[i] - mb);
        }
        return va == 0 || vb == 0 ? Double.NaN : cov / Math.sqrt(va * vb);
    }

    private static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(v[x], v[y]));
        double[] r = new double[v.length];
        int i = 0;
        while (i < v.length) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                r[order[k]] = (i + j) / 2.0 + 1;
            }
            i = j + 1;
        }
        return r;
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.5f", v);
    }
}
