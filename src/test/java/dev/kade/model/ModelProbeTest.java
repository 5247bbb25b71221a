package dev.kade.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelProbeTest {

    @Test
    void sampleTakesRowsAtEvenlySpacedScoreRanksFromMinimumToMaximum() {
        int n = 1001;
        float[][] rows = new float[n][];
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            int v = (i * 7919) % n; // a permutation of 0..n-1: scores in scrambled order
            rows[i] = new float[] {v, -v};
            scores[i] = v / 1000.0;
        }
        ModelProbe p = ModelProbe.sample(rows, scores);

        assertThat(p.size()).isEqualTo(ModelProbe.SIZE);
        assertThat(p.probabilities()[0]).isZero();
        assertThat(p.probabilities()[p.size() - 1]).isEqualTo(1.0);
        for (int i = 0; i < p.size(); i++) {
            // rank r of 0..1000 has score r/1000 and the row that produced it
            double rank = p.probabilities()[i] * (n - 1);
            assertThat((double) p.scores()[i]).isEqualTo((float) (Math.round(rank) / 1000.0));
            assertThat(p.rows()[i][0]).isEqualTo((float) Math.round(rank));
        }
        assertThat(ModelProbe.sample(rows, scores)).isEqualTo(p);
    }

    @Test
    void jsonRoundTripsThroughModelMetadata() {
        ModelProbe probe = ModelProbe.sample(new float[][] {{1.5f, 2}, {3, 4.25f}, {5, 6}}, new double[] {0.3, 0.1, 0.2});
        ModelMetadata m = new ModelMetadata(List.of("a", "b"), ModelKind.AE, 0.25,
                new ScoreDistribution(new double[] {0, 0.5, 1}, new double[] {0.1, 0.2, 0.3}), "fp", Instant.EPOCH, "v1")
                .withProbe(probe);

        ModelMetadata back = ModelMetadata.fromOnnxMetadata(m.toOnnxMetadata());

        assertThat(back.probe()).contains(probe);
        assertThat(back).isEqualTo(m);
        assertThat(probe.scores()).containsExactly(0.1f, 0.2f, 0.3f);
    }

    @Test
    void malformedOrMismatchedProbeIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> ModelProbe.fromJson("{\"p\":[0],\"rows\":[[1,2]]}"))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining(ModelContract.KEY_PROBE);
        assertThatThrownBy(() -> ModelProbe.fromJson("{\"p\":[0, 1],\"rows\":[[1,2],[3]],\"scores\":[1,2]}"))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining(ModelContract.KEY_PROBE);
        assertThatThrownBy(() -> ModelProbe.fromJson("{\"p\":[0.5, 0.2],\"rows\":[[1],[3]],\"scores\":[1,2]}"))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("probabilities must rise");
        ModelProbe oneFeature = ModelProbe.sample(new float[][] {{1}, {2}}, new double[] {0.1, 0.2});
        assertThatThrownBy(() -> new ModelMetadata(List.of("a", "b"), ModelKind.AE, 0.2,
                new ScoreDistribution(new double[] {0, 1}, new double[] {0.1, 0.2}), "fp", Instant.EPOCH, "v1")
                .withProbe(oneFeature))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("1 values for 2 features");
    }
}
