package dev.kade.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReferenceBinsTest {
    @Test
    void continuousSampleIsCutAtItsDecilesIntoTenEqualBins() {
        double[] v = new double[10_000];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        ReferenceBins b = ReferenceBins.ofSample(v);
        assertThat(b.bins()).isEqualTo(10);
        for (int k = 0; k < 10; k++) {
            assertThat(b.share(k)).isCloseTo(0.1, within(0.001));
        }
        assertThat(b.bin(-100)).isZero();
        assertThat(b.bin(100)).isEqualTo(9);
        assertThat(b.bin(b.edges()[4])).as("an edge belongs to the bin above it").isEqualTo(5);
    }

    @Test
    void tiedSampleGetsFewerBinsWithExactShares() {
        // 70% zeros, 20% ones, 10% twos: an integer feature with a dominant value
        double[] v = new double[100];
        for (int i = 70; i < 90; i++) {
            v[i] = 1;
        }
        for (int i = 90; i < 100; i++) {
            v[i] = 2;
        }
        ReferenceBins b = ReferenceBins.ofSample(v);
        assertThat(b.edges()).containsExactly(1, 2);
        assertThat(b.shares()).containsExactly(0.7, 0.2, 0.1);
    }

    @Test
    void constantSampleIsOneBin() {
        ReferenceBins b = ReferenceBins.ofSample(new double[] {3, 3, 3, Double.NaN});
        assertThat(b.bins()).isEqualTo(1);
        assertThat(b.share(0)).isEqualTo(1);
    }

    @Test
    void scoreDistributionGivesDecileBins() {
        double[] scores = new double[1001];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = i / 1000.0;
        }
        ReferenceBins b = ReferenceBins.ofDistribution(ScoreDistribution.fromScores(scores));
        assertThat(b.bins()).isEqualTo(10);
        assertThat(b.edges()[0]).isCloseTo(0.1, within(1e-9));
        for (int k = 0; k < 10; k++) {
            assertThat(b.share(k)).isCloseTo(0.1, within(1e-9));
        }
    }

    @Test
    void scoreDistributionWithATieMergesBins() {
        // half the training scores are exactly 0 (a saturated model): one bin holds the tie
        double[] scores = new double[1000];
        for (int i = 500; i < 1000; i++) {
            scores[i] = i;
        }
        ReferenceBins b = ReferenceBins.ofDistribution(ScoreDistribution.fromScores(scores));
        assertThat(b.bins()).isLessThan(10);
        assertThat(b.share(0)).isCloseTo(0.5, within(0.02));
        assertThat(java.util.Arrays.stream(b.shares()).sum()).isCloseTo(1, within(1e-9));
    }

    @Test
    void refusesBinsThatWouldMakeAnInfinitePsi() {
        assertThatThrownBy(() -> new ReferenceBins(new double[] {1}, new double[] {1, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("share 0");
        assertThatThrownBy(() -> new ReferenceBins(new double[] {2, 1}, new double[] {0.3, 0.3, 0.4}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("strictly rising");
    }

    @Test
    void featureBinsRoundTripThroughOnnxMetadataAndOldModelsHaveNone() {
        ModelMetadata old = new ModelMetadata(List.of("a", "b"), ModelKind.AE, 1,
                new ScoreDistribution(new double[] {0, 1}, new double[] {0, 2}), "fp", Instant.EPOCH, "v1");
        Map<String, String> oldKeys = old.toOnnxMetadata();
        assertThat(oldKeys).doesNotContainKey(ModelContract.KEY_FEATURE_BINS);
        assertThat(ModelMetadata.fromOnnxMetadata(oldKeys).featureBins()).isEmpty();

        ModelMetadata withBins = old.withFeatureBinsOf(new float[][] {{0, 5}, {1, 5}, {2, 6}, {3, 7}});
        ModelMetadata back = ModelMetadata.fromOnnxMetadata(withBins.toOnnxMetadata());
        assertThat(back.featureBins()).isPresent();
        assertThat(back.featureBins().get()).isEqualTo(withBins.featureBins().get());
        assertThat(back).isEqualTo(withBins);
        assertThat(back.withVersion("v2").featureBins()).as("kept by with-methods").isEqualTo(back.featureBins());
    }

    @Test
    void malformedFeatureBinsAreRefusedNamingTheKey() {
        ModelMetadata m = new ModelMetadata(List.of("a", "b"), ModelKind.AE, 1,
                new ScoreDistribution(new double[] {0, 1}, new double[] {0, 2}), "fp", Instant.EPOCH, "v1");
        Map<String, String> keys = new java.util.HashMap<>(m.toOnnxMetadata());
        keys.put(ModelContract.KEY_FEATURE_BINS, "{\"edges\":[[1]],\"shares\":[[0.5,0.5]]}");
        assertThatThrownBy(() -> ModelMetadata.fromOnnxMetadata(keys)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining(ModelContract.KEY_FEATURE_BINS).hasMessageContaining("1 histograms for 2 features");
        keys.put(ModelContract.KEY_FEATURE_BINS, "{\"edges\":[[1],[2]],\"shares\":[[0.5,0.5],[1.5,-0.5]]}");
        assertThatThrownBy(() -> ModelMetadata.fromOnnxMetadata(keys)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining(ModelContract.KEY_FEATURE_BINS);
    }

    /** Bin k holds edges[k-1] <= v < edges[k]: checked against that definition, short edge lists and long ones alike. */
    @Test
    void everyValueFallsInTheBinItsEdgesDefine() {
        SplittableRandom r = new SplittableRandom(7);
        for (int n = 0; n < 2_000; n++) {
            int count = r.nextInt(25);
            double[] edges = new double[count];
            double x = r.nextDouble(-100, 100);
            for (int k = 0; k < count; k++) {
                x += r.nextInt(3) == 0 ? Math.ulp(x) : r.nextDouble(0.001, 10);
                edges[k] = x;
            }
            double[] shares = new double[count + 1];
            java.util.Arrays.fill(shares, 1.0 / (count + 1));
            shares[count] = 1.0 - (double) count / (count + 1);
            ReferenceBins bins = new ReferenceBins(edges, shares);
            for (int t = 0; t < 50; t++) {
                double v = switch (r.nextInt(5)) {
                    case 0 -> count == 0 ? 0 : edges[r.nextInt(count)];
                    case 1 -> r.nextDouble(-150, 150);
                    case 2 -> count == 0 ? 1 : Math.nextDown(edges[r.nextInt(count)]);
                    case 3 -> r.nextBoolean() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                    default -> Double.NaN;
                };
                int expected = 0;
                while (expected < count && !(v < edges[expected])) {
                    expected++;
                }
                if (Double.isNaN(v)) {
                    expected = 0;
                }
                assertThat(bins.bin(v)).as("%s in %s", v, java.util.Arrays.toString(edges)).isEqualTo(expected);
            }
        }
    }
}
