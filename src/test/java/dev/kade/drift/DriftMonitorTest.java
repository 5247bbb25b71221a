package dev.kade.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kade.config.LifecycleKeys;
import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ReferenceBins;
import dev.kade.model.ScoreDistribution;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class DriftMonitorTest {
    private static final int F = 2;

    /** A model whose training scores and both features were standard normal. */
    private static ModelMetadata model(String version) {
        SplittableRandom rng = new SplittableRandom(3);
        double[] scores = new double[20_000];
        float[][] rows = new float[20_000][F];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = rng.nextGaussian();
            rows[i][0] = (float) rng.nextGaussian();
            rows[i][1] = (float) rng.nextGaussian();
        }
        return new ModelMetadata(List.of("a", "b"), ModelKind.AE, 3, ScoreDistribution.fromScores(scores), "fp",
                Instant.EPOCH, version).withFeatureBinsOf(rows);
    }

    /** Feeds n records in batches of 100: scores N(scoreShift, 1), feature a N(aShift, 1), feature b N(0, 1). */
    private static void feed(DriftMonitor m, ModelMetadata meta, SplittableRandom rng, int n, double scoreShift, double aShift) {
        float[] scores = new float[100];
        float[] rows = new float[100 * F];
        for (int done = 0; done < n; done += 100) {
            for (int i = 0; i < 100; i++) {
                scores[i] = (float) (rng.nextGaussian() + scoreShift);
                rows[i * F] = (float) (rng.nextGaussian() + aShift);
                rows[i * F + 1] = (float) rng.nextGaussian();
            }
            m.observe(meta, scores, 100, rows, 100);
        }
    }

    @Test
    void windowReadsNanUntilFullThenSmallOnTrainingLikeData() {
        ModelMetadata meta = model("v1");
        DriftMonitor m = new DriftMonitor(new DriftSettings(2000, 0.25, 32));
        m.serving(meta);
        SplittableRandom rng = new SplittableRandom(9);
        feed(m, meta, rng, 1000, 0, 0);
        assertThat(m.scorePsi()).isNaN();
        assertThat(m.windowFill()).isEqualTo(1000);
        feed(m, meta, rng, 20_000, 0, 0);
        assertThat(m.windowFill()).isEqualTo(2000);
        assertThat(m.scorePsi()).isBetween(0.0, 0.03);
        assertThat(m.featurePsiMax()).isBetween(0.0, 0.03);
        assertThat(m.drifted()).isFalse();
    }

    @Test
    void shiftedFeatureIsNamedWhileScoresStayPut() {
        ModelMetadata meta = model("v1");
        DriftMonitor m = new DriftMonitor(new DriftSettings(2000, 0.25, 32));
        m.serving(meta);
        SplittableRandom rng = new SplittableRandom(9);
        feed(m, meta, rng, 2000, 0, 0);
        feed(m, meta, rng, 2000, 0, 1.5);
        assertThat(m.featurePsi("a")).isGreaterThan(1.0);
        assertThat(m.featurePsi("b")).isLessThan(0.03);
        assertThat(m.mostDriftedFeature()).isEqualTo("a");
        assertThat(m.scorePsi()).isLessThan(0.03);
        assertThat(m.drifted()).isTrue();
    }

    @Test
    void shiftedScoresDriftAndTheSlidingWindowRecovers() {
        ModelMetadata meta = model("v1");
        DriftMonitor m = new DriftMonitor(new DriftSettings(2000, 0.25, 32));
        m.serving(meta);
        SplittableRandom rng = new SplittableRandom(9);
        feed(m, meta, rng, 2000, 1.0, 0);
        assertThat(m.scorePsi()).isGreaterThan(0.5);
        assertThat(m.drifted()).isTrue();
        feed(m, meta, rng, 2000, 0, 0); // the shifted records have left the window
        assertThat(m.scorePsi()).isLessThan(0.03);
        assertThat(m.drifted()).isFalse();
    }

    @Test
    void psiMatchesTheFormulaOnAKnownWindow() {
        ReferenceBins ref = new ReferenceBins(new double[] {0}, new double[] {0.5, 0.5});
        PsiWindow w = new PsiWindow(ref, 100);
        for (int i = 0; i < 100; i++) {
            w.add(i < 80 ? -1 : 1); // 80 below, 20 above
        }
        double a0 = 80.5 / 101;
        double a1 = 20.5 / 101;
        double expected = (a0 - 0.5) * Math.log(a0 / 0.5) + (a1 - 0.5) * Math.log(a1 / 0.5);
        assertThat(w.psi()).isCloseTo(expected, within(1e-12));
        w.add(Double.NaN);
        assertThat(w.size()).as("NaN is not counted").isEqualTo(100);
        for (int i = 0; i < 60; i++) {
            w.add(1); // slides: the oldest 60 (all below) leave
        }
        assertThat(w.psiNow()).isCloseTo((20.5 / 101 - 0.5) * Math.log(20.5 / 101 / 0.5)
                + (80.5 / 101 - 0.5) * Math.log(80.5 / 101 / 0.5), within(1e-12));
    }

    @Test
    void anotherModelRestartsTheWindowsAndBatchesOfTheOldOneAreIgnored() {
        ModelMetadata v1 = model("v1");
        ModelMetadata v2 = model("v2");
        DriftMonitor m = new DriftMonitor(new DriftSettings(1000, 0.25, 32));
        m.serving(v1);
        SplittableRandom rng = new SplittableRandom(9);
        feed(m, v1, rng, 1000, 2, 0);
        assertThat(m.drifted()).isTrue();
        m.serving(v2);
        assertThat(m.windowFill()).isZero();
        assertThat(m.scorePsi()).isNaN();
        feed(m, v1, rng, 1000, 2, 0); // scored by v1 in the moment of the swap
        assertThat(m.windowFill()).isZero();
    }

    @Test
    void windowedModelsAndModelsWithoutFeatureBinsAreMonitoredAsFarAsTheyCan() {
        ModelMetadata old = new ModelMetadata(List.of("a", "b"), ModelKind.AE, 3,
                model("v1").distribution(), "fp", Instant.EPOCH, "old");
        DriftMonitor m = new DriftMonitor(new DriftSettings(1000, 0.25, 32));
        m.serving(old);
        feed(m, old, new SplittableRandom(1), 1000, 0, 0);
        assertThat(m.scorePsi()).isLessThan(0.05);
        assertThat(m.features()).isEmpty();
        assertThat(m.featurePsiMax()).isNaN();
    }

    @Test
    void batchesReportedFromSeveralThreadsAtOnceCountAsTheSameBatchesOneAfterAnother() throws Exception {
        // every stream thread of a pod reports its batches to the one monitor; each value must be counted once. The
        // windows hold exactly the values fed (one NaN a batch is skipped in each), so their PSIs do not depend on order
        ModelMetadata meta = model("v1");
        int threads = 4;
        int batches = 3000;
        List<float[][]> work = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(11);
        for (int t = 0; t < threads * batches; t++) {
            float[] scores = new float[100];
            float[] rows = new float[100 * F];
            for (int i = 0; i < 100; i++) {
                scores[i] = (float) (rng.nextGaussian() + (t % threads == 0 ? 1.0 : 0.0));
                rows[i * F] = (float) rng.nextGaussian();
                rows[i * F + 1] = (float) (rng.nextGaussian() * 2);
            }
            scores[t % 100] = Float.NaN;
            rows[(t % 100) * F] = Float.NaN;
            rows[((t + 1) % 100) * F + 1] = Float.NaN;
            work.add(new float[][] {scores, rows});
        }
        DriftSettings settings = new DriftSettings(threads * batches * 99, 0.25, 32);
        DriftMonitor sequential = new DriftMonitor(settings);
        sequential.serving(meta);
        for (float[][] b : work) {
            sequential.observe(meta, b[0], 100, b[1], 100);
        }
        DriftMonitor concurrent = new DriftMonitor(settings);
        concurrent.serving(meta);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int b = first; b < work.size(); b += threads) {
                        concurrent.observe(meta, work.get(b)[0], 100, work.get(b)[1], 100);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sequential.windowFill()).isEqualTo(threads * batches * 99);
        assertThat(concurrent.windowFill()).isEqualTo(sequential.windowFill());
        assertThat(sequential.scorePsi()).isGreaterThan(0.01);
        assertThat(concurrent.scorePsi()).isEqualTo(sequential.scorePsi());
        assertThat(concurrent.featurePsi("a")).isEqualTo(sequential.featurePsi("a"));
        assertThat(concurrent.featurePsi("b")).isEqualTo(sequential.featurePsi("b")).isGreaterThan(0.1);
    }

    @Test
    void settingsAreCheckedAndTheDefaultsAreTheConfigDefaults() {
        assertThat(DriftSettings.DEFAULT).isEqualTo(new DriftSettings(LifecycleKeys.DEFAULT_WINDOW_RECORDS,
                LifecycleKeys.DEFAULT_ALERT_PSI, LifecycleKeys.DEFAULT_FEATURE_SERIES));
        assertThatThrownBy(() -> new DriftSettings(10, 0.25, 1)).hasMessageContaining("at least 100");
        assertThatThrownBy(() -> new DriftSettings(1000, 0, 1)).hasMessageContaining("positive");
    }
}
