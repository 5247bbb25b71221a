package dev.kade.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SeasonalProfileTest {
    private static final SeasonalSpec HOURLY = SeasonalSpec.hourOfWeek(ZoneOffset.UTC);
    /** Monday 2014-03-31 00:00 UTC. */
    private static final long MONDAY = Instant.parse("2014-03-31T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;

    private static float[] step(SeasonalProfile p, long t, float... x) {
        float[] out = new float[2 * x.length];
        p.step(x, 0, t, out, 0);
        return out;
    }

    @Test
    void theResidualIsTheValueMinusItsHourOfWeekBinBeforeTheBinLearnsIt() {
        SeasonalProfile p = new SeasonalProfile(HOURLY, 1);
        assertThat(step(p, MONDAY + 30 * 60_000, 10)).containsExactly(10, 0);          // nothing seen: residual 0
        assertThat(step(p, MONDAY + 7 * DAY + 10 * 60_000, 14)).containsExactly(14, 4); // same bin a week later: 14 − 10
        // the bin now holds 10 + 1/2·(14 − 10) = 12 (weights 1/n until they fall below alpha)
        assertThat(step(p, MONDAY + 14 * DAY, 12)).containsExactly(12, 0);
    }

    @Test
    void anEmptyWeekBinFallsBackToTheHourOfDay() {
        SeasonalProfile p = new SeasonalProfile(HOURLY, 1);
        step(p, MONDAY + 5 * HOUR, 100);
        // Tuesday 05:xx: its week bin is empty, Monday's 05:00 day bin is not
        assertThat(step(p, MONDAY + DAY + 5 * HOUR + 59 * 60_000, 103)).containsExactly(103, 3);
        // Tuesday 06:00 is another hour of the day: nothing to compare with
        assertThat(step(p, MONDAY + DAY + 6 * HOUR, 50)).containsExactly(50, 0);
        // Sunday 23:59 is the last of the 168 bins, distinct from Monday 00:00
        SeasonalProfile q = new SeasonalProfile(new SeasonalSpec(168, 0, 0.1, ZoneOffset.UTC), 1);
        step(q, MONDAY - 60_000, 1);
        assertThat(step(q, MONDAY, 5)).containsExactly(5, 0);
        assertThat(step(q, MONDAY + 7 * DAY - 60_000, 3)).containsExactly(3, 2);
    }

    @Test
    void weightsFloorAtAlphaAndBinsFollowTheZone() {
        SeasonalProfile p = new SeasonalProfile(new SeasonalSpec(168, 0, 0.5, ZoneOffset.UTC), 1);
        for (int week = 0; week < 5; week++) {
            step(p, MONDAY + week * 7 * DAY, 0);
        }
        step(p, MONDAY + 5 * 7 * DAY, 8);                    // 0 + 0.5·8 = 4
        assertThat(step(p, MONDAY + 6 * 7 * DAY, 4)).containsExactly(4, 0);

        // Monday 00:30 in Berlin (UTC+2 in April) is Sunday 22:30 UTC: other bins in the two zones
        SeasonalProfile utc = new SeasonalProfile(new SeasonalSpec(168, 0, 0.1, ZoneOffset.UTC), 1);
        SeasonalProfile berlin = new SeasonalProfile(new SeasonalSpec(168, 0, 0.1, ZoneId.of("Europe/Berlin")), 1);
        long t = Instant.parse("2014-04-06T22:30:00Z").toEpochMilli();
        step(utc, t, 1);
        step(berlin, t, 1);
        long mondayHalfPastMidnightUtc = Instant.parse("2014-04-07T00:30:00Z").toEpochMilli();
        assertThat(step(utc, mondayHalfPastMidnightUtc, 5)[1]).isEqualTo(0f);
        assertThat(step(berlin, Instant.parse("2014-04-13T22:40:00Z").toEpochMilli(), 5)[1]).isEqualTo(4f);
    }

    @Test
    void bytesRoundTripAndARestoredProfileContinuesBitForBit() {
        SeasonalProfile live = new SeasonalProfile(HOURLY, 2);
        for (int i = 0; i < 500; i++) {
            step(live, MONDAY + i * 17 * 60_000L, (float) Math.sin(i / 9.0) * 100, i % 13);
        }
        byte[] bytes = live.toBytes();
        assertThat(new SeasonalProfile(HOURLY, 1).toBytes()).hasSize(963);
        SeasonalProfile back = SeasonalProfile.fromBytes(HOURLY, 2, bytes);
        assertThat(back).isEqualTo(live);
        for (int i = 500; i < 600; i++) {
            long t = MONDAY + i * 17 * 60_000L;
            assertThat(step(back, t, i, -i)).containsExactly(step(live, t, i, -i));
        }
        assertThatThrownBy(() -> SeasonalProfile.fromBytes(HOURLY, 1, bytes)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSeasonalSpecRoundTripsThroughMetadataAndNamesTheResidualFeatures() {
        SeriesSpec spec = SeriesSpec.of(32, 1).withSeasonal(Optional.of(SeasonalSpec.hourOfWeek(ZoneId.of("Europe/Berlin"))));
        assertThat(spec.features()).isEqualTo(2);
        assertThat(spec.rawFeatures()).isEqualTo(1);
        Map<String, String> m = spec.toMetadata();
        assertThat(m).containsEntry(SeasonalSpec.KEY_WEEK_BINS, "168").containsEntry(SeasonalSpec.KEY_ZONE, "Europe/Berlin");
        assertThat(SeriesSpec.fromMetadata(m, 2)).isEqualTo(spec);
        assertThat(SeriesSpec.modelFeatures(List.of("value"), true)).containsExactly("value", "value~season");
        assertThat(spec.rawFeatureNames(List.of("value", "value~season"))).containsExactly("value");
        assertThat(spec.withSeasonal(Optional.empty()).features()).isEqualTo(1);
    }

    @Test
    void theWindowBuilderMakesSeasonalStepsAsTheStreamWould() {
        SeriesSpec spec = new SeriesSpec(4, 2, Normalisation.CUMULATIVE, 10, 1e-6, 1e-3, 10, Optional.of(HOURLY));
        List<SeriesRow> rows = new ArrayList<>();
        SeasonalProfile profile = new SeasonalProfile(HOURLY, 1);
        EntityWindow window = EntityWindow.of(spec);
        EntityStats stats = new EntityStats(spec);
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            long t = MONDAY + i * HOUR;
            float x = (float) (50 + 10 * Math.sin(2 * Math.PI * i / 24));
            rows.add(new SeriesRow("e", t, new float[] {x}));
            float[] s = step(profile, t, x);
            float[] ms = new float[4];
            stats.writeMeanScale(ms, 0);
            window.add(s);
            if (window.isFull()) {
                expected.add(SeriesWindows.normalise(spec, window.toArray(), ms));
            }
            stats.update(s);
        }
        SeriesWindows w = WindowBuilder.build(spec, rows);
        assertThat(w.size()).isEqualTo(expected.size());
        for (int i = 0; i < w.size(); i++) {
            assertThat(w.normalised(i)).containsExactly(expected.get(i));
        }
        // a daily shape is learnt: after a few days the residuals are small next to the values' swing
        float[] last = w.windows()[w.size() - 1];
        for (int k = 1; k < last.length; k += 2) {
            assertThat(Math.abs(last[k])).isLessThan(1f);
        }
    }
}
