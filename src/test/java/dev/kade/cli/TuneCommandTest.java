package dev.kade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.model.ModelContract;
import dev.kade.onnx.OnnxModel;
import dev.kade.train.Fixtures;
import dev.kade.tune.Candidate;
import dev.kade.tune.SearchSpace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kade tune} end to end on the shipped thyroid split, with a tiny budget. */
class TuneCommandTest {
    private static final String TRAIN = Fixtures.DATASETS.resolve("thyroid.train.csv").toString();
    private static final String TEST = Fixtures.DATASETS.resolve("thyroid.test.csv").toString();

    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.execute(args);
    }

    @Test
    void listsEveryCandidateWritesTheJsonAndExportsAModelThatOnnxRuntimeServes() throws Exception {
        Path model = dir.resolve("t.onnx");
        CliRun r = run("tune", "--data", TRAIN, "--out", model.toString(), "--trials", "4", "--epochs", "4", "--seed", "7");
        assertThat(r.exit()).as(r.err()).isZero();

        List<Candidate> tried = SearchSpace.candidates(4, 7);
        for (Candidate c : tried) {
            assertThat(r.out()).contains(c.name());
            assertThat(r.err()).contains(c.name());
        }
        assertThat(r.out()).contains("ranked by synthetic-anomaly AUC", "chosen    #", "threshold", "report", "tuned");

        JsonNode json = new ObjectMapper().readTree(dir.resolve("t.tune.json").toFile());
        assertThat(json.get("criterion").asText()).isEqualTo("synthetic");
        assertThat(json.get("candidates")).hasSize(4);
        int chosen = json.get("chosen").get("index").asInt();
        double best = -1;
        for (JsonNode c : json.get("candidates")) {
            assertThat(c.get("labelled_roc_auc").isNull()).isTrue();
            assertThat(c.get("train_seconds").asDouble()).isPositive();
            best = Math.max(best, c.get("synthetic_auc").asDouble());
        }
        assertThat(json.get("candidates").get(chosen).get("synthetic_auc").asDouble()).isEqualTo(best);
        String chosenName = json.get("chosen").get("name").asText();
        assertThat(r.out()).contains("chosen    #" + chosen + " " + chosenName);

        try (OnnxModel served = OnnxModel.load(model)) {
            assertThat(served.verification()).isEqualTo(ModelContract.Verification.VERIFIED);
            assertThat(served.metadata().features()).containsExactly("f0", "f1", "f2", "f3", "f4", "f5");
            assertThat(served.score(new float[][] {{0.5f, 0.001f, 0.1f, 0.2f, 0.3f, 0.1f}}).score()).hasSize(1);
        }
        // the chosen configuration is recorded in the report's training summary
        JsonNode training = new ObjectMapper().readTree(dir.resolve("t.report").resolve("training.json").toFile());
        assertThat(training.get("config").asText()).isEqualTo(json.get("chosen").get("config").asText());
    }

    @Test
    void withALabelledFileItRanksByItsRocAucAndSaysSo() throws Exception {
        Path model = dir.resolve("l.onnx");
        CliRun r = run("tune", "--data", TRAIN, "--output", model.toString(), "--trials", "3", "--epochs", "3", "--quiet",
                "--labelled-validation", TEST, "--label-column", "label");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("ranked by labelled ROC-AUC on the labelled validation file", "labelled");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("l.tune.json").toFile());
        assertThat(json.get("criterion").asText()).isEqualTo("labelled");
        double best = -1;
        for (JsonNode c : json.get("candidates")) {
            best = Math.max(best, c.get("labelled_roc_auc").asDouble());
        }
        assertThat(json.get("candidates").get(json.get("chosen").get("index").asInt()).get("labelled_roc_auc").asDouble()).isEqualTo(best);
    }

    @Test
    void badOptionsExitTwoNamingTheOptionAndBadDataExitsOne() throws Exception {
        CliRun trials = run("tune", "--data", TRAIN, "--out", dir.resolve("x.onnx").toString(), "--trials", "0");
        assertThat(trials.exit()).isEqualTo(2);
        assertThat(trials.err()).contains("--trials 0");
        CliRun epochs = run("tune", "--data", TRAIN, "--out", dir.resolve("x.onnx").toString(), "--epochs", "0");
        assertThat(epochs.exit()).isEqualTo(2);
        assertThat(epochs.err()).contains("--epochs 0");
        Path noLabels = dir.resolve("nolabels.csv");
        Files.writeString(noLabels, "f0,f1,f2,f3,f4,f5\n1,2,3,4,5,6\n");
        CliRun labels = run("tune", "--data", TRAIN, "--out", dir.resolve("x.onnx").toString(), "--labelled-validation", noLabels.toString());
        assertThat(labels.exit()).isEqualTo(1);
        assertThat(labels.err()).contains("label");
        assertThat(dir.resolve("x.onnx")).doesNotExist();
    }
}
