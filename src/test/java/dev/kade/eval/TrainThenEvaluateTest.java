package dev.kade.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.export.OnnxExporter;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetReader;
import dev.kade.features.ImputationPolicy;
import dev.kade.model.ModelKind;
import dev.kade.train.Fixtures;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainConfig;
import dev.kade.train.TrainedModel;
import dev.kade.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole path a user takes: train on normal data, export, evaluate through ONNX Runtime, read the report. */
class TrainThenEvaluateTest {
    @TempDir
    Path dir;

    @Test
    void defaultAutoencoderOnThyroidSeparatesAnomaliesThroughOnnxRuntime() throws Exception {
        DataSet train = DataSetReader.read(Fixtures.DATASETS.resolve("thyroid.train.csv"), DataSetReader.Options.defaults());
        TrainedModel model = new Trainer().train(train, TrainConfig.defaults(ModelKind.AE), ProgressListener.NONE);
        Path file = dir.resolve("thyroid.onnx");
        OnnxExporter.export(model, file);
        Report.writeTraining(model, file);

        Evaluation e = Evaluator.evaluate(file, Fixtures.DATASETS.resolve("thyroid.test.csv"), "label", ImputationPolicy.FAIL);
        assertThat(e.metrics().n()).isEqualTo(1565);
        assertThat(e.metrics().anomalies()).isEqualTo(93);
        assertThat(e.metrics().rocAuc()).isGreaterThan(0.85);
        assertThat(e.metrics().prAuc()).isGreaterThan(0.3);
        assertThat(e.metrics().threshold()).isEqualTo(model.metadata().threshold());
        // the shipped test split is thyroid data too: no "unlike the training data" warning
        System.out.printf(java.util.Locale.ROOT, "thyroid AE on thyroid.test: normal median %.4g vs stored p99 %.4g%n",
                e.familiarity().normalMedian(), e.familiarity().storedQuantile());
        assertThat(e.warning()).isEmpty();

        Path html = Report.writeEvaluation(e, file);
        assertThat(html).isEqualTo(dir.resolve("thyroid.report.html"));
        String text = Files.readString(html);
        assertThat(text).contains("Training", "Evaluation", "loss.png", "roc.png", "pr.png");
        // one self-contained file: every chart inlined, nothing linked from the side folder
        // (5 charts, and one per top anomaly of the evaluated rows)
        assertThat(text.split("src=\"data:image/png;base64,", -1)).hasSize(6 + TopAnomalies.DEFAULT_COUNT);
        assertThat(text).doesNotContain("src=\"thyroid.report/");
        // the real architecture: 6 features, default hidden 2F,F and latent F/2
        assertThat(text).contains("6 → 12 → 6 → 3 → 6 → 12 → 6 (relu");
        for (String png : new String[] {"loss.png", "training-scores.png", "roc.png", "pr.png", "evaluation-scores.png"}) {
            byte[] bytes = Files.readAllBytes(dir.resolve("thyroid.report").resolve(png));
            assertThat(bytes).as(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        }
    }
}
