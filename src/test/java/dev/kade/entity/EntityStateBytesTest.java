package dev.kade.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.series.EntityWindow;
import dev.kade.series.SeriesSpec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The entity state's byte form (what the store and its changelog hold): version 2 is the documented compact layout,
 * restores exactly, and a version-1 state, as the previous kade wrote it to existing changelogs, still restores.
 */
class EntityStateBytesTest {
    private final SeriesSpec spec = SeriesSpec.of(4, 2);
    private final AnomalyLikelihood likelihood = new AnomalyLikelihood(LikelihoodParams.DEFAULT);

    /**
     * {@link #sevenSteps()} as kade wrote it in version 1 (before the compact form), captured from that code: the
     * guard that a changelog written by the previous release keeps restoring.
     */
    private static final String SEVEN_STEPS_V1 = "0100000000000017700000000000000007000000010000000100270100040002000440900000c040000040c00000c080"
            + "000040f00000c0a0000041100000c0c00000003b01000200000000000000074012000000000000c00800000000000040"
            + "22000000000000401000000000000100000000c0c0000041100000000000000a0002000000070000073ff80000000000"
            + "003ff0000000000001000000003f80000040000000404000004080000040a0000040c000000000000000000000000000"
            + "003fd80000000000003fb0000000000001000000003e8000003f0000003f4000003f8000003fa000003fc00000000000"
            + "00000000000000000000000000";
    /** An entity of 3 records at W = 32, F = 1 (warming up), in version 1: 153 bytes. */
    private static final String THREE_STEPS_V1 = "010000018bcfe73cc0000000000000000300000000000000000013010020000100034120000041300000414000000023"
            + "010001000000000000000340260000000000003fe555555555555641200000414000000a000100000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000";

    /** 7 steps through a ring of 4, two features, errors in both likelihood channels, a gap and a late record. */
    private EntityState sevenSteps() {
        EntityState s = EntityState.fresh(spec, likelihood);
        float[] errors = new float[2];
        for (int t = 0; t < 7; t++) {
            float[] step = {t * 1.5f, -t};
            s.window().add(step, 0);
            s.stats().update(step, 0);
            s.advance(1_000L * t);
            errors[0] = t;
            errors[1] = 0.25f * t;
            likelihood.update(s.likelihood(), errors, 0, false);
        }
        s.countGap();
        s.countLate();
        return s;
    }

    private static EntityState threeSteps(SeriesSpec spec, AnomalyLikelihood likelihood) {
        EntityState w = EntityState.fresh(spec, likelihood);
        for (int t = 0; t < 3; t++) {
            float[] st = {10f + t};
            w.window().add(st, 0);
            w.stats().update(st, 0);
            w.advance(1_700_000_000_000L + 60_000L * t);
        }
        return w;
    }

    @Test
    void version2IsTheCompactLayoutOfTheClassJavadoc() {
        EntityState s = sevenSteps();
        ByteBuffer expected = ByteBuffer.allocate(512);
        expected.put((byte) 2).putLong(6_000L);
        expected.put((byte) 7).put((byte) 1).put((byte) 1); // records, late, gaps: one varint byte each
        expected.put((byte) 4).put((byte) 2).put((byte) 4); // W, F, steps held
        for (float v : s.window().toArray()) {
            expected.putFloat(v);
        }
        expected.put((byte) 7); // the statistics' steps
        ByteBuffer stats = ByteBuffer.wrap(s.stats().toBytes());
        expected.put(Arrays.copyOfRange(stats.array(), 11, stats.capacity())); // its values, without its own header
        int k = LikelihoodParams.DEFAULT.shortWindow();
        expected.put((byte) k).put((byte) 2).put((byte) 7).put((byte) 0).put((byte) 7).put((byte) 7); // 7 slots of k
        for (int c = 0; c < 2; c++) {
            expected.putDouble(s.likelihood().mean[c]).putDouble(s.likelihood().variance[c]);
            for (int i = 0; i < 7; i++) {
                expected.putFloat(s.likelihood().recent[c][i]);
            }
        }
        expected.put((byte) 0); // no seasonal profile
        assertThat(s.toBytes()).isEqualTo(Arrays.copyOf(expected.array(), expected.position()));
        assertThat(EntityState.fromBytes(s.toBytes(), spec, likelihood).toBytes()).isEqualTo(s.toBytes());
    }

    @Test
    void aVersion1StateWrittenByThePreviousReleaseRestoresToTheSameState() {
        EntityState s = sevenSteps();
        EntityState old = EntityState.fromBytes(HexFormat.of().parseHex(SEVEN_STEPS_V1), spec, likelihood);
        assertThat(old).isEqualTo(s); // same version-2 bytes: window, statistics, likelihood, clock and counters
        assertThat(old.window().toArray()).containsExactly(s.window().toArray());
        assertThat(old.lastEventTime()).isEqualTo(6_000L);
        assertThat(old.records()).isEqualTo(7);
        assertThat(old.late()).isEqualTo(1);
        assertThat(old.gaps()).isEqualTo(1);
        // and it goes on exactly as the never-stored state does
        float[] errors = {3f, 9f};
        assertThat(likelihood.update(old.likelihood(), errors, 0, false))
                .isEqualTo(likelihood.update(s.likelihood(), errors, 0, false));
        assertThat(old.stats().scale(0)).isEqualTo(s.stats().scale(0));
    }

    @Test
    void aWarmingEntityTakesLessThanHalfItsVersion1Bytes() {
        SeriesSpec w32 = SeriesSpec.of(32, 1);
        EntityState s = threeSteps(w32, likelihood);
        byte[] v1 = HexFormat.of().parseHex(THREE_STEPS_V1);
        assertThat(v1).hasSize(153);
        assertThat(s.toBytes()).hasSize(59);
        assertThat(EntityState.fromBytes(v1, w32, likelihood)).isEqualTo(s);
        assertThat(EntityState.fromBytes(s.toBytes(), w32, likelihood).window().toArray()).containsExactly(10f, 11f, 12f);
    }

    @Test
    void theSweepReadsTheNewestEventTimeOfBothVersions() {
        EntityState s = threeSteps(SeriesSpec.of(32, 1), likelihood);
        long last = 1_700_000_000_000L + 120_000L;
        assertThat(ExpirySweeper.idleFor(s.toBytes(), last + 5)).isEqualTo(5);
        assertThat(ExpirySweeper.idleFor(HexFormat.of().parseHex(THREE_STEPS_V1), last + 5)).isEqualTo(5);
    }

    @Test
    void aVersion2StateOfAnotherShapeKeepsItsCountersAndStartsTheWindowAfresh() {
        EntityState s = sevenSteps();
        EntityState other = EntityState.fromBytes(s.toBytes(), spec.withWindow(8), likelihood);
        assertThat(other.window()).isEqualTo(new EntityWindow(8, 2));
        assertThat(other.stats().count()).isZero();
        assertThat(other.records()).isEqualTo(7);
        assertThat(other.lastEventTime()).isEqualTo(6_000L);
    }

    @Test
    void truncatedOrUnknownBytesAreRefusedNotMisread() {
        byte[] bytes = sevenSteps().toBytes();
        for (int n = 0; n < bytes.length; n++) {
            byte[] cut = Arrays.copyOf(bytes, n);
            assertThatThrownBy(() -> EntityState.fromBytes(cut, spec, likelihood)).isInstanceOf(IllegalArgumentException.class);
        }
        byte[] unknown = bytes.clone();
        unknown[0] = 3;
        assertThatThrownBy(() -> EntityState.fromBytes(unknown, spec, likelihood))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version byte 3");
    }

    @Test
    void varintsRoundTripAtTheirByteBoundaries() {
        long[] values = {0, 1, 127, 128, 16_383, 16_384, Integer.MAX_VALUE, 0xFFFF_FFFFL, Long.MAX_VALUE, -1L};
        for (long v : values) {
            ByteBuffer b = ByteBuffer.allocate(10);
            VarInts.put(b, v);
            assertThat(b.position()).isEqualTo(VarInts.size(v));
            b.flip();
            assertThat(VarInts.getLong(b)).isEqualTo(v);
        }
    }
}
