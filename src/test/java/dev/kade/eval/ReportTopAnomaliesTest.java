package dev.kade.eval;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.export.OnnxExporter;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetReader;
import dev.kade.features.ImputationPolicy;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelKind;
import dev.kade.train.DataSplit;
import dev.kade.train.Fixtures;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainedEnsemble;
import dev.kade.train.TrainedModel;
import dev.kade.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's "top anomalies": the highest-scoring rows drawn beside their reconstructions, the right rows. */
class ReportTopAnomaliesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TRAIN = Fixtures.DATASETS.resolve("thyroid.train.csv");
    private static final Path TEST = Fixtures.DATASETS.resolve("thyroid.test.csv");

    @TempDir
    Path dir;

    @Test
    void trainAndEvaluateDrawTheHighestScoringRowsWithTheirReconstructions() throws Exception {
        DataSet train = DataSetReader.read(TRAIN, DataSetReader.Options.defaults());
        TrainedModel model = new Trainer().train(train, Fixtures.quick(ModelKind.AE), ProgressListener.NONE);
        Path file = dir.resolve("thyroid.onnx");
        OnnxExporter.export(model, file);
        Report.writeTraining(TrainedEnsemble.of(model), file, train);

        // training: the top validation rows, found again from the split the trainer made
        JsonNode trainingTop = JSON.readTree(dir.resolve("thyroid.report/training-top.json").toFile());
        int[] val = DataSplit.of(train.size(), model.config()).validation();
        double[] valScores = model.validationScores();
        List<Integer> expectedVal = top(valScores).stream().map(i -> val[i]).toList();
        assertThat(indices(trainingTop)).containsExactlyElementsOf(expectedVal);
        assertThat(trainingTop.get("rows").get(0).get("score").asDouble())
                .isEqualTo(Arrays.stream(valScores).max().orElseThrow(), org.assertj.core.data.Offset.offset(1e-6));

        Evaluation e = Evaluator.evaluate(file, TEST, "label", ImputationPolicy.FAIL);
        Path html = Report.writeEvaluation(e, file);
        JsonNode evalTop = JSON.readTree(dir.resolve("thyroid.report/evaluation-top.json").toFile());
        List<Integer> expected = top(e.scores());
        assertThat(indices(evalTop)).containsExactlyElementsOf(expected);
        DataSet test = DataSetReader.read(TEST, DataSetReader.Options.defaults().withLabelColumn("label"));
        float[][] expectedRecon = model.reconstruct(new float[][] {test.rows()[expected.get(0)]});
        JsonNode first = evalTop.get("rows").get(0);
        assertThat(first.get("label").asInt()).isEqualTo(test.labelsIfAny().orElseThrow()[expected.get(0)]);
        for (int j = 0; j < train.width(); j++) {
            assertThat(first.get("input").get(j).floatValue()).isEqualTo(test.rows()[expected.get(0)][j]);
            assertThat(first.get("reconstruction").get(j).doubleValue())
                    .isCloseTo(expectedRecon[0][j], org.assertj.core.data.Offset.offset(1e-4 * Math.max(1, Math.abs(expectedRecon[0][j]))));
        }

        String text = Files.readString(html);
        assertThat(text).contains("<h3 id=\"training-top\">", "<h3 id=\"evaluation-top\">");
        String evaluation = text.substring(text.indexOf("<h3 id=\"evaluation-top\">"));
        assertThat(dataRows(evaluation)).containsExactlyElementsOf(expected);
        // each row: its chart, inlined, and its largest errors by feature name
        assertThat(evaluation.split("src=\"data:image/png;base64,", -1)).hasSize(expected.size() + 1);
        int worst = argmax(first.get("feature_errors"));
        assertThat(evaluation).contains("<tr><td>" + train.features().get(worst) + "</td>");
        for (int k = 0; k < expected.size(); k++) {
            byte[] png = Files.readAllBytes(dir.resolve("thyroid.report/evaluation-top-" + k + ".png"));
            assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        }
    }

    @Test
    void aModelWithoutReconstructionGetsASectionThatSaysWhy() throws Exception {
        DataSet train = DataSetReader.read(TRAIN, DataSetReader.Options.defaults());
        TrainedModel model = new Trainer().train(train, Fixtures.quick(ModelKind.VAE).withEpochs(3), ProgressListener.NONE);
        OnnxMl.ModelProto proto = OnnxExporter.toProto(model);
        OnnxMl.GraphProto.Builder g = proto.getGraph().toBuilder();
        for (int i = g.getOutputCount() - 1; i >= 0; i--) {
            if (g.getOutput(i).getName().equals(ModelContract.OUTPUT_RECONSTRUCTION)) {
                g.removeOutput(i);
            }
        }
        Path file = dir.resolve("plain.onnx");
        Files.write(file, proto.toBuilder().setGraph(g).build().toByteArray());
        Path html = Report.writeEvaluation(Evaluator.evaluate(file, TEST, "label", ImputationPolicy.FAIL), file);
        String text = Files.readString(html);
        assertThat(text).contains("<h3 id=\"evaluation-top\">")
                .contains("Not drawn: model " + model.metadata().version() + " has no 'reconstruction' output");
        assertThat(text).doesNotContain("class=\"row top-anomaly\"");
    }

    private static List<Integer> top(double[] scores) {
        return IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i))
                .limit(TopAnomalies.DEFAULT_COUNT).toList();
    }

    private static List<Integer> indices(JsonNode top) {
        List<Integer> out = new ArrayList<>();
        top.get("rows").forEach(r -> out.add(r.get("index").asInt()));
        return out;
    }

    private static List<Integer> dataRows(String html) {
        List<Integer> out = new ArrayList<>();
        Matcher m = Pattern.compile("class=\"row top-anomaly\" data-row=\"(\\d+)\"").matcher(html);
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    private static int argmax(JsonNode values) {
        int best = 0;
        for (int j = 1; j < values.size(); j++) {
            if (values.get(j).asDouble() > values.get(best).asDouble()) {
                best = j;
            }
        }
        return best;
    }
}
