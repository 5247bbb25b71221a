package dev.kade.incident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.output.Source;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class AlertBudgetTest {
    private static final long DAY = 86_400_000L;
    private static final IncidentSettings SETTINGS = new IncidentSettings(AlertMode.INCIDENT, IncidentEntity.KEY,
            Duration.ofSeconds(60), Duration.ofMinutes(5), 0, Optional.empty(), IncidentFormat.KADE, false, List.of());

    /** Runs a day of {@code hosts} noisy hosts (one record per 10 s each) through a tracker gated by the budget. */
    static Map<String, Integer> day(BudgetSettings budget, int hosts, long seed, IncidentTrackerTest.MapStore store) {
        IncidentTracker tracker = new IncidentTracker(SETTINGS, store);
        AlertBudget b = budget.enabled() ? new AlertBudget(budget, SETTINGS.quietTime().toMillis(), store) : null;
        Random random = new Random(seed);
        Map<String, Integer> opened = new TreeMap<>();
        List<IncidentEvent> events = new ArrayList<>();
        long offset = 0;
        for (long t = 0; t < DAY; t += 10_000) {
            for (int h = 0; h < hosts; h++) {
                String entity = "host-" + h;
                double sigma = 0.30 + 0.2 * h / Math.max(1, hosts - 1);
                float score = (float) Math.pow(random.nextGaussian() * sigma, 2);
                boolean anomaly = score >= 1.0;
                if (b != null) {
                    b.seen("v1", t);
                    if (anomaly) {
                        IncidentState open = tracker.openIncident(entity, "v1");
                        anomaly = b.admits(entity, "v1", 1.0, score, t, open != null && t - open.lastAt() < 300_000);
                    }
                }
                tracker.observe(entity, "v1", "reconstruction", new Source("in", 0, offset++), t, anomaly, score,
                        anomaly ? List.of("x") : null, events);
                for (IncidentEvent e : events) {
                    if (e.kind() == IncidentEvent.Kind.OPENED) {
                        opened.merge(e.incident().entity(), 1, Integer::sum);
                        if (b != null) {
                            b.opened(e.incident().entity(), "v1");
                        }
                    }
                }
                events.clear();
            }
            if (b != null && t % 600_000 == 0) {
                b.flush();
                tracker.flush();
            }
        }
        return opened;
    }

    private static double mean(Map<String, Integer> perEntity, int entities) {
        return perEntity.values().stream().mapToInt(Integer::intValue).sum() / (double) entities;
    }

    @Test
    void aBudgetPerEntityLandsNearItsNumberOfIncidentsOverADay() {
        Map<String, Integer> free = day(BudgetSettings.OFF, 10, 19, new IncidentTrackerTest.MapStore());
        // without a budget the noisy hosts open from 11 to over 100 incidents a day
        assertThat(free.values()).allMatch(n -> n > 10);
        for (double n : new double[] {5, 10, 20}) {
            Map<String, Integer> budgeted = day(BudgetSettings.perEntity(n), 10, 19, new IncidentTrackerTest.MapStore());
            assertThat(mean(budgeted, 10)).as("mean incidents per host at a budget of %s", n).isBetween(0.7 * n, 1.3 * n);
            budgeted.forEach((host, k) -> assertThat(k).as(host).isLessThanOrEqualTo(Math.max((int) (2 * n), free.get(host))));
        }
    }

    @Test
    void anOverallBudgetIsSharedByTheEntities() {
        Map<String, Integer> budgeted = day(new BudgetSettings(0, 40, 2, Duration.ofHours(1)), 10, 7,
                new IncidentTrackerTest.MapStore());
        // one task of two partitions: its share is 20 a day for its 10 hosts together
        assertThat(mean(budgeted, 1)).isBetween(14.0, 26.0);
    }

    @Test
    void inTheStartUpTimeTheModelThresholdAppliesAndOpeningIsCapped() {
        AlertBudget b = new AlertBudget(BudgetSettings.perEntity(48), 300_000, new IncidentTrackerTest.MapStore());
        // ceil(48 x 1 h / 24 h) = 2 incidents in the first hour
        b.seen("v1", 0);
        assertThat(b.admits("h", "v1", 1.0, 1.5f, 0, false)).isTrue();
        b.opened("h", "v1");
        assertThat(b.admits("h", "v1", 1.0, 1.0f, 1_000, true)).as("joining an open incident").isTrue();
        assertThat(b.admits("h", "v1", 1.0, 1.5f, 600_000, false)).isTrue();
        b.opened("h", "v1");
        assertThat(b.admits("h", "v1", 1.0, 50f, 1_200_000, false)).as("a third in the first hour").isFalse();
        assertThat(b.bar("h", "v1")).isEqualTo(1.0);
    }

    @Test
    void aRestoredBudgetDerivesTheSameThresholds() {
        IncidentTrackerTest.MapStore store = new IncidentTrackerTest.MapStore();
        day(BudgetSettings.perEntity(5), 4, 3, store);
        AlertBudget restored = new AlertBudget(BudgetSettings.perEntity(5), 300_000, store);
        restored.seen("v1", DAY - 10_000);
        AlertBudget again = new AlertBudget(BudgetSettings.perEntity(5), 300_000, store);
        again.seen("v1", DAY - 10_000);
        assertThat(restored.bar("host-3", "v1")).isGreaterThan(1.0).isEqualTo(again.bar("host-3", "v1"));
        assertThat(restored.versions()).containsExactly("v1");
    }

    @Test
    void theLadderCountsIncidentsNotAnomalousRecords() {
        ScoreLadder l = new ScoreLadder();
        int top = ScoreLadder.top(1.0, 2.0); // 2 is one octave: level 8
        assertThat(top).isEqualTo(ScoreLadder.PER_OCTAVE);
        for (long t = 0; t < 100; t++) {
            l.observe(top, t * 1_000, 300_000); // 100 anomalies a second apart: one incident
        }
        l.observe(0, 1_000_000, 300_000); // a new one, reaching level 0 only
        double[] r = l.rates(1_000_000, DAY);
        double span = -Math.expm1(-1.0); // a day watched, decayed over a day: 0.63 of a day
        assertThat(r[0] * span).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.05));
        assertThat(r[top] * span).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.05));
        assertThat(r[top + 1]).isZero();
        assertThat(ScoreLadder.fromBytes(l.toBytes()).rates(1_000_000, DAY)).containsExactly(r);
    }

    @Test
    void theThresholdIsTheLowestLevelWithinBudgetInterpolated() {
        double[] r = new double[ScoreLadder.LEVELS];
        for (int i = 0; i < r.length; i++) {
            r[i] = 100 * Math.pow(0.5, i); // halves per level
        }
        assertThat(ScoreLadder.threshold(r, 200)).isEqualTo(1.0);
        // 25 a day is level 2 exactly; 35.36 halfway (log) between levels 1 and 2
        assertThat(ScoreLadder.threshold(r, 25)).isCloseTo(Math.pow(2, 2.0 / 8), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ScoreLadder.threshold(r, 100 * Math.pow(0.5, 1.5))).isCloseTo(Math.pow(2, 1.5 / 8),
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void theLadderOfAnEntityQuietForTwoWeeksIsDroppedFromMemoryAndStore() {
        IncidentTrackerTest.MapStore store = new IncidentTrackerTest.MapStore();
        AlertBudget b = new AlertBudget(BudgetSettings.perEntity(5), 300_000, store);
        b.seen("v1", 0);
        b.admits("gone", "v1", 1.0, 2f, 0, false);
        b.admits("stays", "v1", 1.0, 2f, 0, false);
        b.flush();
        assertThat(store.map.keySet()).anyMatch(k -> k.endsWith("gone")).anyMatch(k -> k.endsWith("stays"));
        long later = AlertBudget.EXPIRY_MS + 1_000;
        b.seen("v1", later);
        b.admits("stays", "v1", 1.0, 2f, later, false);
        b.flush();
        assertThat(b.ladders()).isEqualTo(1);
        assertThat(store.map.keySet()).noneMatch(k -> k.endsWith("gone")).anyMatch(k -> k.endsWith("stays"));
        assertThat(new AlertBudget(BudgetSettings.perEntity(5), 300_000, store).ladders()).isEqualTo(1);
    }
}
