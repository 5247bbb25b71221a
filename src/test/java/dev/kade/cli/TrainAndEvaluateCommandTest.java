package dev.kade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainAndEvaluateCommandTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.execute(args);
    }

    /** Two correlated columns, a noise column and an id; the test file adds far-off anomalies. */
    private Path write(String name, int n, boolean labelled, long seed) throws Exception {
        Random r = new Random(seed);
        List<String> lines = new ArrayList<>();
        lines.add("id,a,b,c" + (labelled ? ",label" : ""));
        for (int i = 0; i < n; i++) {
            double x = r.nextGaussian();
            boolean anomaly = labelled && i % 10 == 0;
            double b = 2 * x + (anomaly ? 8 : 0) + 0.1 * r.nextGaussian();
            lines.add(i + "," + x + "," + b + "," + r.nextGaussian() + (labelled ? "," + (anomaly ? 1 : 0) : ""));
        }
        Path p = dir.resolve(name);
        Files.write(p, lines);
        return p;
    }

    @Test
    void trainThenEvaluatePrintsOneJsonObjectWithTheMetrics() throws Exception {
        Path train = write("train.csv", 600, false, 1);
        Path test = write("test.jsonl.csv", 300, true, 2);
        Path model = dir.resolve("m.onnx");
        CliRun t = run("train", "--data", train.toString(), "--kind", "vae", "--out", model.toString(),
                "--exclude-columns", "id", "--epochs", "100", "--hidden", "8", "--latent-dim", "2", "--quiet");
        assertThat(t.exit()).as(t.err()).isZero();
        assertThat(t.out()).contains("features  a,b,c", "data      sha256:", "threshold", "report");
        assertThat(model).exists();
        assertThat(dir.resolve("m.report.html")).exists();

        CliRun e = run("evaluate", "--model", model.toString(), "--data", test.toString(), "--label-column", "label", "--format", "json");
        assertThat(e.exit()).as(e.err()).isZero();
        assertThat(e.out().strip().lines()).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(e.out());
        for (String key : new String[] {"roc_auc", "pr_auc", "precision", "recall", "f1", "threshold", "n", "anomalies"}) {
            assertThat(json.has(key)).as(key).isTrue();
        }
        assertThat(json.get("n").asInt()).isEqualTo(300);
        assertThat(json.get("anomalies").asInt()).isEqualTo(30);
        assertThat(json.get("roc_auc").asDouble()).isGreaterThan(0.9);
        assertThat(json.get("warnings")).as("the test split of the training data's kind").isEmpty();
        assertThat(e.err()).doesNotContain("warning");
        assertThat(Files.readString(dir.resolve("m.report.html"))).contains("roc.png").doesNotContain("Warning:");

        // the same columns in other units (b in hundredths): scored without complaint before, now with a warning
        List<String> rescaled = new ArrayList<>();
        for (String line : Files.readAllLines(test)) {
            String[] f = line.split(",");
            rescaled.add(f[0].equals("id") ? line : f[0] + "," + f[1] + "," + Double.parseDouble(f[2]) * 100 + "," + f[3] + "," + f[4]);
        }
        Path otherUnits = Files.write(dir.resolve("other-units.csv"), rescaled);
        CliRun w = run("evaluate", "--model", model.toString(), "--data", otherUnits.toString(), "--format", "json");
        assertThat(w.exit()).as(w.err()).isZero();
        assertThat(w.err()).contains("kade evaluate: warning: " + otherUnits + " looks unlike the model's training data");
        JsonNode warned = new ObjectMapper().readTree(w.out());
        assertThat(warned.get("warnings")).hasSize(1);
        assertThat(warned.get("normal_median_score").asDouble()).isGreaterThan(warned.get("validation_p99_score").asDouble());
        assertThat(Files.readString(dir.resolve("m.report.html"))).contains("<strong>Warning:</strong> " + otherUnits);
        CliRun text = run("evaluate", "--model", model.toString(), "--data", otherUnits.toString(), "--no-report");
        assertThat(text.out()).startsWith("WARNING   " + otherUnits + " looks unlike");
    }

    /**
     * Issue 17 #4: measuring false alarms on normal-only labelled data. Before, the report's curve drawing
     * threw (a raw stack trace, exit 1) and --no-report printed "roc_auc":"NaN" as a string.
     */
    @Test
    void evaluateOnNormalOnlyDataReportsFalseAlarmsAndNoCurves() throws Exception {
        Path train = write("train.csv", 400, false, 5);
        Path model = dir.resolve("n.onnx");
        CliRun t = run("train", "--data", train.toString(), "--kind", "ae", "--out", model.toString(),
                "--exclude-columns", "id", "--epochs", "20", "--hidden", "8", "--latent-dim", "2", "--quiet");
        assertThat(t.exit()).as(t.err()).isZero();
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(write("normal.csv", 200, false, 6))) {
            lines.add(line + (line.startsWith("id,") ? ",label" : ",0"));
        }
        Path normal = Files.write(dir.resolve("normal-labelled.csv"), lines);

        CliRun e = run("evaluate", "--model", model.toString(), "--data", normal.toString(), "--format", "json");
        assertThat(e.exit()).as(e.err()).isZero();
        assertThat(e.err()).doesNotContain("Exception", "\tat ");
        JsonNode json = new ObjectMapper().readTree(e.out());
        assertThat(json.get("n").asInt()).isEqualTo(200);
        assertThat(json.get("anomalies").asInt()).isZero();
        assertThat(json.get("roc_auc").isNull()).as("roc_auc is JSON null, not \"NaN\"").isTrue();
        assertThat(json.get("pr_auc").isNull()).isTrue();
        assertThat(json.get("recall").isNull()).isTrue();
        assertThat(json.get("curves_unavailable").asText()).contains("every row is labelled 0", "both classes");
        int flagged = json.get("flagged").asInt();
        assertThat(json.get("false_positives").asInt()).isEqualTo(flagged);
        assertThat(json.get("false_alarm_rate").asDouble()).isEqualTo(flagged / 200.0);
        assertThat(json.get("score_p50").asDouble()).isLessThanOrEqualTo(json.get("score_p99").asDouble());
        assertThat(json.get("score_p99").asDouble()).isLessThanOrEqualTo(json.get("score_max").asDouble());
        String html = Files.readString(dir.resolve("n.report.html"));
        assertThat(html).contains("No ROC or precision-recall curve: every row is labelled 0", "evaluation-scores.png")
                .doesNotContain("roc.png", "pr.png");
        assertThat(dir.resolve("n.report").resolve("roc.png")).doesNotExist();

        CliRun raw = run("evaluate", "--model", model.toString(), "--data", normal.toString(), "--format", "json", "--no-report");
        assertThat(raw.exit()).as(raw.err()).isZero();
        assertThat(raw.out()).doesNotContain("NaN").contains("\"roc_auc\":null");
        CliRun text = run("evaluate", "--model", model.toString(), "--data", normal.toString(), "--no-report");
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains("ROC-AUC   n/a", "flagged " + flagged + " of 200 normal rows, false-alarm rate",
                "scores    p50 ").doesNotContain("NaN");
    }

    @Test
    void defaultKindIsAMixedEnsembleServedAsOneModelThatEvaluateScores() throws Exception {
        Path train = write("train.csv", 600, false, 3);
        Path test = write("test.csv", 300, true, 4);
        Path model = dir.resolve("e.onnx");
        CliRun t = run("train", "--data", train.toString(), "--out", model.toString(), "--exclude-columns", "id",
                "--epochs", "30", "--hidden", "8", "--latent-dim", "2", "--ensemble", "4", "--quiet");
        assertThat(t.exit()).as(t.err()).isZero();
        assertThat(t.out()).contains("(ensemble, 3 features", "m0 ae", "m1 ae", "m2 vae", "m3 vae", "trained   in");
        CliRun e = run("evaluate", "--model", model.toString(), "--data", test.toString(), "--format", "json", "--no-report", "--cv", "3");
        assertThat(e.exit()).as(e.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(e.out());
        assertThat(json.get("roc_auc").asDouble()).isGreaterThan(0.9);
        assertThat(json.get("recall").asDouble()).isGreaterThan(0.5);
        assertThat(json.get("cv").get("folds").asInt()).isEqualTo(3);
        assertThat(json.get("cv").get("roc_auc_mean").asDouble()).isCloseTo(json.get("roc_auc").asDouble(),
                org.assertj.core.data.Offset.offset(0.05));
        CliRun text = run("evaluate", "--model", model.toString(), "--data", test.toString(), "--no-report", "--cv", "3");
        assertThat(text.out()).containsPattern("cv 3 folds: ROC-AUC 0\\.\\d{4} ± 0\\.\\d{4}, PR-AUC");
        CliRun tooMany = run("evaluate", "--model", model.toString(), "--data", test.toString(), "--no-report", "--cv", "31");
        assertThat(tooMany.exit()).isEqualTo(2);
        assertThat(tooMany.err()).contains("--cv 31", "30 anomalies");

        CliRun bad = run("train", "--data", train.toString(), "--out", model.toString(), "--ensemble", "1");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--ensemble 1", "mixed");
        CliRun rule = run("train", "--data", train.toString(), "--out", model.toString(), "--threshold-rule", "median");
        assertThat(rule.exit()).isEqualTo(2);
        assertThat(rule.err()).contains("--threshold-rule median");
    }

    @Test
    void badValueFailsWithFileLineAndColumnAndExitCodeOne() throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "a,b\n1,2\n3,x\n5,6\n7,9\n");
        CliRun t = run("train", "--data", bad.toString(), "--out", dir.resolve("x.onnx").toString(), "--quiet");
        assertThat(t.exit()).isEqualTo(1);
        assertThat(t.err()).contains("bad.csv:3:", "column 'b'");
        assertThat(dir.resolve("x.onnx")).doesNotExist();

        CliRun ok = run("train", "--data", bad.toString(), "--out", dir.resolve("x.onnx").toString(), "--quiet",
                "--imputation", "drop-row", "--epochs", "2");
        assertThat(ok.exit()).as(ok.err()).isZero();
    }

    @Test
    void badOptionValueIsAUsageErrorNamingTheOption() {
        CliRun t = run("train", "--data", "x.csv", "--out", "y.onnx", "--epochs", "0");
        assertThat(t.exit()).isEqualTo(2);
        assertThat(t.err()).contains("--epochs 0");
        CliRun k = run("train", "--data", "x.csv", "--out", "y.onnx", "--kind", "reconstruction");
        assertThat(k.exit()).isEqualTo(2);
        assertThat(k.err()).contains("--kind", "reconstruction", "[AE, VAE, MIX] (case-insensitive)");
        CliRun upper = run("train", "--data", "missing.csv", "--out", "y.onnx", "--kind", "VAE", "--activation", "Tanh");
        assertThat(upper.err()).as("enum values are read case-insensitively, as before").doesNotContain("Invalid value");
        CliRun act = run("train", "--data", "x.csv", "--out", "y.onnx", "--activation", "softmax");
        assertThat(act.exit()).isEqualTo(2);
        assertThat(act.err()).contains("--activation", "softmax");
    }
}
