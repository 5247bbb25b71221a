package dev.kade.entity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.model.ModelMetadata;
import dev.kade.model.Scorer;
import dev.kade.model.Scores;
import dev.kade.output.DeadLetterReason;
import dev.kade.series.SeriesSpec;
import dev.kade.testing.WindowedTestScorer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowScoresTest {
    @TempDir
    Path dir;

    private static EntityKey key(String k) {
        return EntityKey.ofRecordKey(k.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void scoresEveryRowAndFindsTheStepAndFeatureFurthestOff() {
        WindowedTestScorer scorer = new WindowedTestScorer(List.of("a", "b"), 3, "w1");
        KeyValueStore<Bytes, byte[]> kv = RealStore.open(dir);
        try {
            SeriesView v = new SeriesView(scorer.metadata().series().orElseThrow(), SeriesPolicy.DEFAULT, new EntityStore(kv));
            for (int i = 0; i < 10; i++) {
                v.admit(key("e"), i, new float[] {1 + (i % 2), 100 + 10 * (i % 2)}, 0);
            }
            int spike = v.admit(key("e"), 10, new float[] {1, 400}, 0);
            WindowScores s = WindowScores.of(scorer, v, true);
            assertThat(s.reconstruction()).isNotNull();
            assertThat(s.score(spike)).isGreaterThan(10 * s.score(spike - 1));
            int[] feature = new int[1];
            assertThat(s.furthestOff(spike, v, feature)).isZero();
            assertThat(feature[0]).isEqualTo(1);
            // the live size of the store is readable (RocksDB's own estimate)
            v.commit();
            assertThat(RocksDbSize.liveBytes(kv)).isPresent();
        } finally {
            kv.close();
        }
    }

    @Test
    void aModelThatFailsOnTheBatchIsAskedRowByRowAndOnlyTheBadRowFails() {
        WindowedTestScorer good = new WindowedTestScorer(List.of("a"), 2, "w1");
        Scorer picky = new Scorer() {
            @Override
            public Scores score(float[][] rows) {
                throw new UnsupportedOperationException();
            }

            @Override
            public ModelMetadata metadata() {
                return good.metadata();
            }

            @Override
            public void scoreWindows(float[] windows, float[] stats, int rows, float[] score, float[] featureErrors,
                                     float[] reconstruction) {
                for (int i = 0; i < rows; i++) {
                    if (windows[i * 2 + 1] == 13f) {
                        throw new IllegalStateException("unlucky");
                    }
                }
                good.scoreWindows(windows, stats, rows, score, featureErrors, reconstruction);
            }
        };
        KeyValueStore<Bytes, byte[]> kv = RealStore.open(dir);
        try {
            SeriesSpec spec = good.metadata().series().orElseThrow();
            SeriesView v = new SeriesView(spec, SeriesPolicy.DEFAULT, new EntityStore(kv));
            v.admit(key("x"), 1, new float[] {1}, 0);
            v.admit(key("y"), 1, new float[] {13}, 0);
            v.admit(key("z"), 1, new float[] {2}, 0);
            WindowScores s = WindowScores.of(picky, v, false);
            assertThat(s.failure(0)).isNull();
            assertThat(s.reason(1)).isEqualTo(DeadLetterReason.SCORING_FAILED);
            assertThat(s.failure(1)).contains("unlucky");
            assertThat(s.failure(2)).isNull();
            assertThat(s.reconstruction()).isNull();
        } finally {
            kv.close();
        }
    }
}
