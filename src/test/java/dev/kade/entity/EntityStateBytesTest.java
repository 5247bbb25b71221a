package dev.kade.entity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.series.SeriesSpec;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The entity state's byte form (what the store and its changelog hold) is the documented layout of its parts. */
class EntityStateBytesTest {
    private final SeriesSpec spec = SeriesSpec.of(4, 2);
    private final AnomalyLikelihood likelihood = new AnomalyLikelihood(LikelihoodParams.DEFAULT);

    @Test
    void isTheHeaderThenEachPartBehindItsLength() {
        EntityState s = EntityState.fresh(spec, likelihood);
        float[] errors = new float[2];
        for (int t = 0; t < 7; t++) { // wraps the ring of 4 steps
            float[] step = {t * 1.5f, -t};
            s.window().add(step, 0);
            s.stats().update(step, 0);
            s.advance(1_000L * t);
            errors[0] = t;
            likelihood.update(s.likelihood(), errors, 0, false);
        }
        s.countGap();
        s.countLate();

        byte[] w = s.window().toBytes();
        byte[] st = s.stats().toBytes();
        ByteBuffer expected = ByteBuffer.allocate(1 + 8 + 8 + 4 + 4 + 2 + w.length + 2 + st.length
                + s.likelihood().encodedSize() + 4);
        expected.put(EntityState.VERSION).putLong(6_000L).putLong(7).putInt(1).putInt(1);
        expected.putShort((short) w.length).put(w).putShort((short) st.length).put(st);
        s.likelihood().writeTo(expected);
        expected.putInt(0);
        assertThat(s.toBytes()).isEqualTo(expected.array());
        assertThat(EntityState.fromBytes(s.toBytes(), spec, likelihood).toBytes()).isEqualTo(s.toBytes());
    }
}
