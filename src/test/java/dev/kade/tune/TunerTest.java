package dev.kade.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kade.eval.Evaluator;
import dev.kade.export.OnnxExporter;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetReader;
import dev.kade.features.ImputationPolicy;
import dev.kade.model.ModelKind;
import dev.kade.train.Fixtures;
import dev.kade.train.TrainConfig;
import dev.kade.train.TrainedEnsemble;
import dev.kade.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real training on the shipped thyroid split, with few epochs so that it stays fast. */
class TunerTest {
    private static final Path TRAIN = Fixtures.DATASETS.resolve("thyroid.train.csv");
    private static final Path TEST = Fixtures.DATASETS.resolve("thyroid.test.csv");

    @TempDir
    Path dir;

    private static DataSet train() {
        return DataSetReader.read(TRAIN, DataSetReader.Options.defaults());
    }

    private static TrainConfig base(int epochs, long seed) {
        return TrainConfig.defaults(ModelKind.AE).toBuilder().epochs(epochs).seed(seed).build();
    }

    @Test
    void aCandidateThatLearntNothingRanksBelowASaneOne() {
        Candidate crippled = new Candidate(ModelKind.AE, false, List.of(2.0, 1.0), 0.25, 1e-7, 1);
        Candidate sane = Candidate.defaults(ModelKind.AE);
        // crippled first: the sane one must win on its value, not on the tie-break
        TuneResult r = new Tuner(new Trainer()).tune(train(), base(40, 1), List.of(crippled, sane), Optional.empty(),
                Criterion.SYNTHETIC, t -> { });

        Trial c = r.trials().get(0);
        Trial s = r.trials().get(1);
        assertThat(s.syntheticAuc()).isGreaterThan(c.syntheticAuc() + 0.05);
        assertThat(s.permutedAuc()).isGreaterThan(c.permutedAuc());
        assertThat(r.chosen()).isEqualTo(1);
        assertThat(r.chosenConfig().learningRate()).isEqualTo(sane.learningRate());
        assertThat(r.model().members()).hasSize(1);
        assertThat(r.model().members().get(0).network().kind()).isEqualTo(ModelKind.AE);
    }

    @Test
    void theSameSeedGivesTheSameFiguresAndChoice() {
        List<Candidate> candidates = SearchSpace.candidates(5, 11);
        TuneResult a = new Tuner(new Trainer()).tune(train(), base(4, 11), candidates, Optional.empty(), Criterion.SYNTHETIC, t -> { });
        TuneResult b = new Tuner(new Trainer()).tune(train(), base(4, 11), candidates, Optional.empty(), Criterion.SYNTHETIC, t -> { });
        assertThat(b.chosen()).isEqualTo(a.chosen());
        assertThat(b.trials()).extracting(Trial::syntheticAuc).containsExactlyElementsOf(a.trials().stream().map(Trial::syntheticAuc).toList());
        assertThat(b.model().validationScores()).containsExactly(a.model().validationScores());
        List<Double> values = new ArrayList<>(a.trials().stream().map(Trial::syntheticAuc).toList());
        assertThat(values).allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0));
        assertThat(a.chosenTrial().syntheticAuc()).isEqualTo(values.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    }

    @Test
    void theLabelledModeRanksByTheRocAucThatEvaluateReportsForTheCandidate() throws Exception {
        DataSet train = train();
        DataSet labelled = DataSetReader.read(TEST, DataSetReader.Options.defaults().withFeatures(train.features()).withLabelColumn("label"));
        List<Candidate> candidates = SearchSpace.candidates(4, 5);
        TuneResult r = new Tuner(new Trainer()).tune(train, base(5, 5), candidates, Optional.of(labelled), Criterion.LABELLED, t -> { });

        double best = -1;
        for (Trial t : r.trials()) {
            TrainedEnsemble candidate = r.candidateModels().get(t.index()).orElseThrow();
            Path file = dir.resolve("c" + t.index() + ".onnx");
            OnnxExporter.export(candidate, file);
            double viaOnnx = Evaluator.evaluate(file, TEST, "label", ImputationPolicy.FAIL).metrics().rocAuc();
            assertThat(t.labelledAuc()).as(t.candidate().name()).isCloseTo(viaOnnx, within(1e-3));
            best = Math.max(best, t.labelledAuc());
        }
        assertThat(r.chosenTrial().labelledAuc()).isEqualTo(best);
        assertThat(r.rankedBy()).isEqualTo(Criterion.LABELLED);
    }

    @Test
    void tooFewRowsOrLabelsMissingAreRefused() {
        DataSet tiny = Fixtures.correlated(Tuner.MIN_ROWS - 1, 3, 1);
        Tuner tuner = new Tuner(new Trainer());
        List<Candidate> one = List.of(Candidate.defaults(ModelKind.AE));
        assertThatThrownBy(() -> tuner.tune(tiny, base(1, 1), one, Optional.empty(), Criterion.SYNTHETIC, t -> { }))
                .hasMessageContaining("at least " + Tuner.MIN_ROWS + " rows");
        DataSet enough = Fixtures.correlated(200, 3, 1);
        assertThatThrownBy(() -> tuner.tune(enough, base(1, 1), one, Optional.empty(), Criterion.LABELLED, t -> { }))
                .hasMessageContaining("labelled");
        assertThatThrownBy(() -> tuner.tune(enough, base(1, 1), one, Optional.of(enough), Criterion.LABELLED, t -> { }))
                .hasMessageContaining("no label column");
    }
}
