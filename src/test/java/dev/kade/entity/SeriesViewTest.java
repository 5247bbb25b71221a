package dev.kade.entity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.series.EntityStats;
import dev.kade.series.EntityWindow;
import dev.kade.series.SeriesSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch view over a real RocksDB store: windows as of each record, policies, commit and expiry. */
class SeriesViewTest {
    private static final SeriesSpec SPEC = SeriesSpec.of(3, 2);
    private static final EntityKey A = EntityKey.ofRecordKey("a".getBytes(StandardCharsets.UTF_8));
    private static final EntityKey B = EntityKey.ofRecordKey("b".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;
    private KeyValueStore<Bytes, byte[]> kv;

    @BeforeEach
    void open() {
        kv = RealStore.open(dir);
    }

    @AfterEach
    void close() {
        kv.close();
    }

    private SeriesView view(SeriesPolicy policy) {
        return new SeriesView(SPEC, policy, new EntityStore(kv));
    }

    private static float[] step(float v) {
        return new float[] {v, 10 * v};
    }

    private static float[] window(SeriesView v, int row) {
        return Arrays.copyOfRange(v.windows(), row * SPEC.width(), (row + 1) * SPEC.width());
    }

    @Test
    void eachRecordOfOneEntityInABatchSeesItsOwnWindowAndThePriorStats() {
        SeriesView v = view(SeriesPolicy.DEFAULT);
        int r0 = v.admit(A, 1000, step(1), 0);
        int r1 = v.admit(B, 1000, step(7), 0);
        int r2 = v.admit(A, 2000, step(2), 0);
        int r3 = v.admit(A, 3000, step(3), 0);
        int r4 = v.admit(A, 4000, step(4), 0);
        // padded with the oldest step while warming up; then the trailing window as of each record
        assertThat(window(v, r0)).containsExactly(1, 10, 1, 10, 1, 10);
        assertThat(window(v, r2)).containsExactly(1, 10, 1, 10, 2, 20);
        assertThat(window(v, r3)).containsExactly(1, 10, 2, 20, 3, 30);
        assertThat(window(v, r4)).containsExactly(2, 20, 3, 30, 4, 40);
        assertThat(window(v, r1)).containsExactly(7, 70, 7, 70, 7, 70);
        assertThat(v.warmingUp(r0)).isTrue();
        assertThat(v.warmingUp(r2)).isTrue();
        assertThat(v.warmingUp(r3)).isFalse();
        // the statistics fed with a row are the entity's before that row: the trainer's rule
        EntityStats expected = new EntityStats(SPEC);
        expected.update(step(1));
        expected.update(step(2));
        float[] meanScale = new float[4];
        expected.writeMeanScale(meanScale, 0);
        assertThat(Arrays.copyOfRange(v.stats(), r3 * 4, r3 * 4 + 4)).containsExactly(meanScale);
        assertThat(Arrays.copyOfRange(v.stats(), r0 * 4, r0 * 4 + 4)).containsExactly(0, 0, 1, 1);
        assertThat(v.takeCounts()).isEqualTo(new SeriesCounts(2, 3, 0, 0, 0, 0));
    }

    @Test
    void theSameRecordsCutIntoOtherBatchesGiveTheSameRowsAndLikelihoods() {
        Random random = new Random(7);
        int n = 600;
        float[][] values = new float[n][];
        EntityKey[] who = new EntityKey[n];
        for (int i = 0; i < n; i++) {
            values[i] = step((float) random.nextGaussian());
            who[i] = EntityKey.ofRecordKey(("e" + random.nextInt(5)).getBytes(StandardCharsets.UTF_8));
        }
        SeriesPolicy policy = SeriesPolicy.DEFAULT.withLikelihood(new LikelihoodParams(3, 20, 100, 1e-3, 0.05, 5, 0.3, 0.5));
        double[] oneBatch = run(policy, values, who, n, dir.resolve("one"));
        double[] batchesOfSeven = run(policy, values, who, 7, dir.resolve("seven"));
        assertThat(batchesOfSeven).containsExactly(oneBatch);
        assertThat(Arrays.stream(oneBatch).filter(d -> !Double.isNaN(d) && d != 0.5).count()).isGreaterThan(100);
    }

    /** Admits every record in batches of {@code size}, scoring each row by the sum of its window, and commits. */
    private static double[] run(SeriesPolicy policy, float[][] values, EntityKey[] who, int size, Path storeDir) {
        KeyValueStore<Bytes, byte[]> store = RealStore.open(storeDir);
        try {
            double[] out = new double[values.length];
            int i = 0;
            while (i < values.length) {
                SeriesView v = new SeriesView(SPEC, policy, new EntityStore(store));
                int first = i;
                for (; i < values.length && i - first < size; i++) {
                    v.admit(who[i], 1000L * i, values[i], 0);
                }
                for (int r = 0; r < v.rows(); r++) {
                    float score = 0;
                    for (int k = 0; k < SPEC.width(); k++) {
                        score += Math.abs(v.windows()[r * SPEC.width() + k]);
                    }
                    AnomalyLikelihood.Judgement j = v.judge(r, new float[] {score, -score}, 0);
                    out[first + r] = j.likelihood() + 7 * j.score();
                }
                v.commit();
            }
            return out;
        } finally {
            store.close();
        }
    }

    @Test
    void commitWritesStatesThatAFreshViewContinuesFrom() {
        SeriesView v = view(SeriesPolicy.DEFAULT);
        v.admit(A, 1000, step(1), 0);
        v.admit(A, 2000, step(2), 0);
        v.commit();
        SeriesView next = view(SeriesPolicy.DEFAULT);
        int r = next.admit(A, 3000, step(3), 0);
        assertThat(window(next, r)).containsExactly(1, 10, 2, 20, 3, 30);
        assertThat(next.warmingUp(r)).isFalse();
    }

    @Test
    void aDiscardedBatchLeavesTheStoreAsItWas() {
        SeriesView v = view(SeriesPolicy.DEFAULT);
        v.admit(A, 1000, step(1), 0);
        v.commit();
        v.admit(A, 2000, step(2), 0);
        v.discard();
        SeriesView next = view(SeriesPolicy.DEFAULT);
        int r = next.admit(A, 2000, step(2), 0);
        assertThat(window(next, r)).containsExactly(1, 10, 1, 10, 2, 20);
    }

    @Test
    void imputationScoresAPartialWindowAfterTheMinimum() {
        SeriesView v = view(SeriesPolicy.DEFAULT.withWarmUp(WarmUpPolicy.IMPUTE, 2));
        int r0 = v.admit(A, 1000, step(1), 0);
        int r1 = v.admit(A, 2000, step(2), 0);
        assertThat(v.warmingUp(r0)).isTrue();
        assertThat(v.warmingUp(r1)).isFalse();
        assertThat(v.imputed(r1)).isTrue();
        assertThat(v.judge(r0, new float[] {1f, 1f}, 0)).isSameAs(SeriesView.WARMING);
        assertThat(v.judge(r1, new float[] {1f, 1f}, 0).score()).isEqualTo(0.0);
        assertThat(v.takeCounts()).isEqualTo(new SeriesCounts(1, 1, 1, 0, 0, 0));
    }

    @Test
    void aGapRestartsTheWindowUnderRestartAndNotUnderContinue() {
        SeriesView restart = view(SeriesPolicy.DEFAULT.withGap(GapPolicy.RESTART, Duration.ofSeconds(5)));
        restart.admit(A, 1000, step(1), 0);
        restart.admit(A, 2000, step(2), 0);
        int r = restart.admit(A, 9000, step(3), 0);
        assertThat(restart.gap(r)).isTrue();
        assertThat(restart.warmingUp(r)).isTrue();
        assertThat(window(restart, r)).containsExactly(3, 30, 3, 30, 3, 30);
        assertThat(restart.takeCounts().gaps()).isEqualTo(1);
        restart.discard();

        SeriesView carryOn = view(SeriesPolicy.DEFAULT.withGap(GapPolicy.CONTINUE, Duration.ofSeconds(5)));
        carryOn.admit(A, 1000, step(1), 0);
        carryOn.admit(A, 2000, step(2), 0);
        int c = carryOn.admit(A, 9000, step(3), 0);
        assertThat(carryOn.gap(c)).isTrue();
        assertThat(window(carryOn, c)).containsExactly(1, 10, 2, 20, 3, 30);
    }

    @Test
    void aLateRecordIsScoredOnTheCurrentWindowWithoutChangingIt() {
        SeriesView v = view(SeriesPolicy.DEFAULT);
        v.admit(A, 1000, step(1), 0);
        v.admit(A, 2000, step(2), 0);
        v.admit(A, 3000, step(3), 0);
        int late = v.admit(A, 1500, step(9), 0);
        int after = v.admit(A, 4000, step(4), 0);
        assertThat(v.late(late)).isTrue();
        assertThat(window(v, late)).containsExactly(2, 20, 3, 30, 9, 90);
        assertThat(window(v, after)).containsExactly(2, 20, 3, 30, 4, 40);
        assertThat(v.takeCounts().late()).isEqualTo(1);
    }

    @Test
    void aLateRecordIsRefusedUnderDeadLetter() {
        SeriesView v = view(SeriesPolicy.DEFAULT.withLate(LatePolicy.DEAD_LETTER));
        v.admit(A, 3000, step(3), 0);
        assertThat(v.admit(A, 1000, step(1), 0)).isEqualTo(SeriesView.LATE_DEAD_LETTER);
        assertThat(v.rows()).isEqualTo(1);
        // equal times are in order
        assertThat(v.admit(A, 3000, step(4), 0)).isEqualTo(1);
    }

    @Test
    void anEntityIdleLongerThanTheExpiryStartsAfreshWhetherOrNotASweepDeletedIt() {
        SeriesPolicy policy = SeriesPolicy.DEFAULT.withExpiry(Duration.ofSeconds(10), Duration.ofSeconds(1), 100);
        SeriesView v = view(policy);
        v.admit(A, 1000, step(1), 0);
        v.admit(A, 2000, step(2), 0);
        v.admit(B, 20_000, step(5), 0);
        v.commit();
        // not swept: the arrival rule alone
        int r = v.admit(A, 13_000, step(3), 0);
        assertThat(window(v, r)).containsExactly(3, 30, 3, 30, 3, 30);
        assertThat(v.takeCounts().expired()).isEqualTo(1);
        v.discard();
        // swept: A is gone from the store (a tombstone in the changelog), B (idle 0) stays
        assertThat(v.sweep()).isEqualTo(1);
        assertThat(kv.get(A.storeKey())).isNull();
        assertThat(kv.get(B.storeKey())).isNotNull();
        int again = v.admit(A, 13_000, step(3), 0);
        assertThat(window(v, again)).containsExactly(3, 30, 3, 30, 3, 30);
    }

    @Test
    void aSweepInsideAnOpenBatchGoesByTheCommittedClockNotTheBatchs() {
        SeriesPolicy policy = SeriesPolicy.DEFAULT.withExpiry(Duration.ofSeconds(10), Duration.ofSeconds(1), 100);
        SeriesView v = view(policy);
        v.admit(A, 1000, step(1), 0);
        v.commit();
        // an open batch moves the clock a minute on; it is not committed, and may yet be discarded
        v.admit(B, 61_000, step(2), 0);
        assertThat(v.sweep()).as("A is idle only against the open batch's clock").isZero();
        assertThat(kv.get(A.storeKey())).isNotNull();
        assertThat(new EntityStore(kv).maxEventTime()).as("the stored clock").isEqualTo(1000);
        // the batch is dropped; read again, it commits, and then A goes
        v.discard();
        v.admit(B, 61_000, step(2), 0);
        v.commit();
        assertThat(v.sweep()).isEqualTo(1);
        assertThat(kv.get(A.storeKey())).isNull();
        assertThat(new EntityStore(kv).maxEventTime()).isEqualTo(61_000);
    }

    @Test
    void aSweepVisitsABoundedNumberOfEntitiesAndResumesFromItsCursor() {
        SeriesPolicy policy = SeriesPolicy.DEFAULT.withExpiry(Duration.ofSeconds(10), Duration.ofSeconds(1), 3);
        SeriesView v = view(policy);
        for (int i = 0; i < 10; i++) {
            v.admit(EntityKey.ofRecordKey(("old" + i).getBytes(StandardCharsets.UTF_8)), 1000, step(i), 0);
        }
        v.admit(B, 60_000, step(1), 0);
        v.commit();
        // 11 entities, 3 per sweep: 10 idle ones go over 4 sweeps, never more than 3 at once
        List<Integer> deleted = new java.util.ArrayList<>();
        for (int s = 0; s < 4; s++) {
            deleted.add(v.sweep());
        }
        assertThat(deleted).allMatch(d -> d <= 3);
        assertThat(deleted.stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
        // the cursor survives a restart: it is in the store
        assertThat(new EntityStore(kv).cursor()).isNotNull();
        assertThat(kv.get(B.storeKey())).isNotNull();
    }

    @Test
    void theStateOfAFullWindowFitsInAFewHundredBytes() {
        SeriesSpec spec = SeriesSpec.of(32, 1);
        AnomalyLikelihood l = new AnomalyLikelihood(LikelihoodParams.DEFAULT);
        EntityState s = EntityState.fresh(spec, l);
        for (int i = 0; i < 40; i++) {
            s.window().add(new float[] {i});
            s.stats().update(new float[] {i});
            s.advance(i);
            l.update(s.likelihood(), new float[] {i}, 0, false);
        }
        byte[] bytes = s.toBytes();
        assertThat(bytes).hasSize(231); // version 2 (version 1: 269)
        EntityState back = EntityState.fromBytes(bytes, spec, l);
        assertThat(back).isEqualTo(s);
        assertThat(back.window()).isEqualTo(s.window());
        // another window length keeps the clock and counters and starts the window afresh
        EntityState other = EntityState.fromBytes(bytes, spec.withWindow(16), l);
        assertThat(other.window()).isEqualTo(new EntityWindow(16, 1));
        assertThat(other.records()).isEqualTo(40);
    }

    @Test
    void aSeasonalModelsStepIsTheValueThenItsResidualFromTheEntitysProfile() {
        SeriesSpec seasonal = SeriesSpec.of(3, 1).withSeasonal(java.util.Optional.of(
                dev.kade.series.SeasonalSpec.hourOfWeek(java.time.ZoneOffset.UTC)));
        SeriesView v = new SeriesView(seasonal, SeriesPolicy.DEFAULT, new EntityStore(kv));
        long monday9 = java.time.Instant.parse("2026-11-30T09:00:00Z").toEpochMilli();
        long week = Duration.ofDays(7).toMillis();
        v.admit(A, monday9, new float[] {10f}, 0);
        int r = v.admit(A, monday9 + week, new float[] {13f}, 0);
        // the same hour of the week a week later: value 13, residual 13 - 10
        assertThat(window(v, r)).containsExactly(10f, 0f, 10f, 0f, 13f, 3f);
        // a late record's residual comes from the profile without moving it
        int late = v.admit(A, monday9 + 1000, new float[] {20f}, 0);
        assertThat(Arrays.copyOfRange(v.windows(), late * 6 + 4, late * 6 + 6)).containsExactly(20f, 8.5f);
        int next = v.admit(A, monday9 + 2 * week, new float[] {13f}, 0);
        assertThat(v.windows()[next * 6 + 5]).isEqualTo(13f - 11.5f);
        v.commit();
        byte[] stored = kv.get(A.storeKey());
        EntityState back = EntityState.fromBytes(stored, seasonal, new AnomalyLikelihood(LikelihoodParams.DEFAULT));
        assertThat(back.seasonal()).isNotNull();
        assertThat(stored.length).isLessThan(2048);
    }

    @Test
    void theEntityCountIsExactWhenOverwritesOfAFewEntitiesFillTheMemtable() {
        EntityStore store = new EntityStore(kv);
        for (int i = 0; i < 5000; i++) {
            kv.put(Bytes.wrap(("entity-" + i % 4).getBytes(StandardCharsets.UTF_8)), new byte[] {1});
            store.writeMeta(); // as every flushed batch does
        }
        // RocksDB's own estimate counts the overwrites still in the memtable
        assertThat(kv.approximateNumEntries()).isGreaterThan(100);
        assertThat(store.approximateEntities()).isEqualTo(4);
    }

    /** Admits {@code n} records of {@code e} from second {@code from} with value {@code value}, judging each, and commits. */
    private void feed(SeriesView v, EntityKey e, int from, int n, float value, boolean muted) {
        float[] errors = {value / 100, value / 100};
        for (int t = from; t < from + n; t++) {
            int r = v.admit(e, t * 1000L, step(value), 0, muted);
            assertThat(v.muted(r)).isEqualTo(muted);
            v.judge(r, errors, 0);
        }
        v.commit();
    }

    private EntityState stored(SeriesView v, EntityKey e) {
        return EntityState.fromBytes(kv.get(e.storeKey()), SPEC, v.likelihoodModel());
    }

    @Test
    void aMutedRecordEntersTheWindowButTeachesItsEntitysBaselineNothing() {
        SeriesView v = view(SeriesPolicy.DEFAULT);
        feed(v, A, 1, 6, 1, false);
        feed(v, B, 1, 6, 1, false);
        EntityState before = stored(v, A);
        // a maintenance: A's broken values are muted, B's (the control) are not
        feed(v, A, 7, 4, 100, true);
        feed(v, B, 7, 4, 100, false);
        EntityState a = stored(v, A);
        EntityState b = stored(v, B);
        assertThat(a.stats()).as("normalisation statistics unchanged").isEqualTo(before.stats());
        assertThat(a.likelihood().count()).as("likelihood history unchanged").isEqualTo(before.likelihood().count());
        assertThat(b.stats()).as("the control learns").isNotEqualTo(before.stats());
        assertThat(b.likelihood().count()).isEqualTo(before.likelihood().count() + 4);
        float[] w = a.window().toArray();
        assertThat(Arrays.copyOfRange(w, w.length - 2, w.length)).as("the window advances").containsExactly(100, 1000);
        assertThat(a.lastEventTime()).isEqualTo(10_000);
        // after the window, the first record is normalised by the baseline of before it, not by the broken values
        int r = v.admit(A, 11_000, step(100), 0);
        int rb = v.admit(B, 11_000, step(100), 0);
        float[] baseline = new float[4];
        before.stats().writeMeanScale(baseline, 0);
        assertThat(Arrays.copyOfRange(v.stats(), r * 4, r * 4 + 4)).containsExactly(baseline);
        assertThat(Arrays.copyOfRange(v.stats(), rb * 4, rb * 4 + 4)).as("the control's mean moved toward 100")
                .isNotEqualTo(baseline);
        assertThat(v.stats()[rb * 4]).isGreaterThan(baseline[0] + 10);
    }
}
