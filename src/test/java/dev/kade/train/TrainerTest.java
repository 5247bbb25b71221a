package dev.kade.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.export.OnnxExporter;
import dev.kade.features.DataSet;
import dev.kade.model.ModelKind;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TrainerTest {
    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    @ParameterizedTest
    @EnumSource(value = ModelKind.class, names = {"AE", "VAE"})
    void sameSeedGivesIdenticalModelBytes(ModelKind kind) {
        DataSet data = Fixtures.correlated(400, 6, 1);
        TrainedModel a = new Trainer(FIXED).train(data, Fixtures.quick(kind), ProgressListener.NONE);
        TrainedModel b = new Trainer(FIXED).train(data, Fixtures.quick(kind), ProgressListener.NONE);
        assertThat(a.parameters()).isEqualTo(b.parameters());
        assertThat(OnnxExporter.graph(a).toByteArray()).isEqualTo(OnnxExporter.graph(b).toByteArray());
        assertThat(OnnxExporter.toProto(a).toByteArray()).isEqualTo(OnnxExporter.toProto(b).toByteArray());

        TrainedModel c = new Trainer(FIXED).train(data, Fixtures.quick(kind).withSeed(7), ProgressListener.NONE);
        assertThat(c.parameters()).isNotEqualTo(a.parameters());
    }

    @Test
    void lossFallsAndEarlyStoppingKeepsTheBestEpoch() {
        DataSet data = Fixtures.correlated(800, 6, 2);
        List<ProgressListener.Epoch> seen = new ArrayList<>();
        TrainConfig config = TrainConfig.defaults(ModelKind.AE).withArchitecture(List.of(8), 2);
        TrainedModel m = new Trainer().train(data, config, new ProgressListener() {
            @Override
            public void epoch(Epoch e) {
                seen.add(e);
            }
        });
        TrainingHistory h = m.history();
        assertThat(seen).hasSize(h.epochs());
        assertThat(h.trainLoss().get(h.epochs() - 1)).isLessThan(h.trainLoss().get(0) / 5);
        double best = h.validationLoss().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        assertThat(h.bestValidationLoss()).isLessThanOrEqualTo(best * (1 + 1e-4));
        if (h.stoppedEarly()) {
            assertThat(h.epochs() - h.bestEpoch()).isEqualTo(config.earlyStoppingPatience());
        }
    }

    @Test
    void thresholdIsTheQuantileOfValidationScoresAndParametersAreFloat32() {
        DataSet data = Fixtures.correlated(500, 5, 3);
        TrainedModel m = new Trainer().train(data,
                Fixtures.quick(ModelKind.AE).toBuilder().thresholdRule(ThresholdRule.QUANTILE).build(), ProgressListener.NONE);
        double[] v = m.validationScores();
        assertThat(v).hasSize(100);
        Arrays.sort(v);
        assertThat(m.metadata().threshold()).isEqualTo(dev.kade.model.ScoreDistribution.quantile(v, 0.995));
        long flagged = Arrays.stream(v).filter(s -> s >= m.metadata().threshold()).count();
        assertThat(flagged).isBetween(1L, 2L);
        for (double p : m.parameters()) {
            assertThat((double) (float) p).isEqualTo(p);
        }
        assertThat(m.metadata().fingerprint()).isEqualTo(data.fingerprint());
        assertThat(m.metadata().features()).isEqualTo(data.features());
    }

    @Test
    void standardiserIsFittedOnTheTrainingSplitOnly() {
        // the centre is the mean of the training split (40 of 50 rows), not of every row the file holds
        DataSet data = Fixtures.correlated(50, 3, 4);
        TrainedModel m = new Trainer().train(data, Fixtures.quick(ModelKind.AE).withEpochs(1), ProgressListener.NONE);
        double allMean = Arrays.stream(data.rows()).mapToDouble(r -> r[0]).average().orElseThrow();
        assertThat((double) m.standardizer().center()[0]).isNotCloseTo(allMean, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void badConfigNamesTheOption() {
        assertThatThrownBy(() -> TrainConfig.defaults(ModelKind.AE).withEpochs(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--epochs 0");
        assertThatThrownBy(() -> TrainConfig.defaults(ModelKind.RECONSTRUCTION))
                .hasMessageContaining("kind");
    }

    @Test
    void tooFewRowsIsRefused() {
        DataSet one = DataSet.of(List.of("a"), new float[][] {{1f}}, "one-row");
        assertThatThrownBy(() -> new Trainer().train(one, TrainConfig.defaults(ModelKind.AE), ProgressListener.NONE))
                .hasMessageContaining("one-row").hasMessageContaining("at least 2 rows");
    }

    @Test
    void ensembleIsBitIdenticalWhateverTheThreadCount() {
        DataSet data = Fixtures.correlated(300, 6, 5);
        TrainConfig mixed = Fixtures.quick(ModelKind.AE).toBuilder().mixed(true).ensemble(4).build();
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ProgressListener threadNames = new ProgressListener() {
            @Override
            public void started(TrainConfig config, int trainRows, int validationRows, int parameters) {
                threads.add(Thread.currentThread().getName());
            }
        };
        TrainedEnsemble one = new Trainer(FIXED, 1).trainEnsemble(data, mixed, ProgressListener.NONE);
        TrainedEnsemble two = new Trainer(FIXED, 2).trainEnsemble(data, mixed, threadNames);

        assertThat(threads).as("members trained on two pool threads").hasSize(2).allMatch(t -> t.startsWith("kade-train-"));
        assertThat(OnnxExporter.toProto(two).toByteArray()).isEqualTo(OnnxExporter.toProto(one).toByteArray());
        for (int k = 0; k < 4; k++) {
            assertThat(two.members().get(k).parameters()).as("member %d", k).isEqualTo(one.members().get(k).parameters());
        }
        // the members differ from each other, so the equality above is not that of four copies
        assertThat(one.members().get(0).parameters()).isNotEqualTo(one.members().get(2).parameters());
    }

    @Test
    void aFailingMemberFailsTheEnsembleWithItsOwnError() {
        DataSet data = Fixtures.correlated(200, 4, 6);
        TrainConfig bad = Fixtures.quick(ModelKind.AE).toBuilder().ensemble(3).build();
        ProgressListener failing = new ProgressListener() {
            @Override
            public ProgressListener member(int index, int count, ModelKind kind) {
                return index != 1 ? ProgressListener.NONE : new ProgressListener() {
                    @Override
                    public void started(TrainConfig config, int trainRows, int validationRows, int parameters) {
                        throw new IllegalStateException("member 1 refused");
                    }
                };
            }
        };
        assertThatThrownBy(() -> new Trainer(FIXED, 2).trainEnsemble(data, bad, failing))
                .isInstanceOf(IllegalStateException.class).hasMessage("member 1 refused");
        assertThatThrownBy(() -> new Trainer(FIXED, 0)).hasMessageContaining("threads must be at least 1");
    }
}
