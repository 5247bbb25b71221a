package dev.kade.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EntityWindowTest {

    @Test
    void holdsTheLastWStepsOldestFirstAfterWrappingAround() {
        EntityWindow w = new EntityWindow(3, 2);
        assertThat(w.size()).isZero();
        assertThat(w.isFull()).isFalse();
        for (int t = 1; t <= 5; t++) {
            w.add(new float[] {t, 10 * t});
        }
        assertThat(w.isFull()).isTrue();
        assertThat(w.size()).isEqualTo(3);
        float[] dst = new float[8];
        w.copyTo(dst, 1);
        assertThat(dst).containsExactly(0, 3, 30, 4, 40, 5, 50, 0);
        assertThat(w.latest(1)).isEqualTo(50f);
    }

    @Test
    void aPartialWindowCopiesOnlyTheStepsHeld() {
        EntityWindow w = new EntityWindow(4, 1);
        w.add(new float[] {7});
        w.add(new float[] {8});
        assertThat(w.toArray()).containsExactly(7, 8);
        w.clear();
        assertThat(w.size()).isZero();
        assertThat(w.toArray()).isEmpty();
    }

    @Test
    void roundTripsThroughBytesInWTimesFTimesFourPlusSevenBytes() {
        EntityWindow w = new EntityWindow(32, 1);
        for (int t = 0; t < 40; t++) {
            w.add(new float[] {t * 0.5f});
        }
        byte[] bytes = w.toBytes();
        assertThat(bytes).hasSize(32 * 4 + 7);
        EntityWindow back = EntityWindow.fromBytes(bytes);
        assertThat(back).isEqualTo(w);
        // and it keeps sliding exactly as the original does
        w.add(new float[] {99});
        back.add(new float[] {99});
        assertThat(back.toArray()).containsExactly(w.toArray());

        EntityWindow partial = new EntityWindow(5, 2);
        partial.add(new float[] {1, 2});
        assertThat(EntityWindow.fromBytes(partial.toBytes()).toArray()).containsExactly(1, 2);
        assertThat(EntityWindow.fromBytes(partial.toBytes()).isFull()).isFalse();
    }

    @Test
    void bytesOfAWrappedWindowHoldItsHeaderThenTheStepsOldestFirst() {
        EntityWindow w = new EntityWindow(3, 2);
        for (int t = 1; t <= 5; t++) {
            w.add(new float[] {t, 10 * t});
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(w.toBytes());
        assertThat(b.get()).isEqualTo((byte) 1);
        assertThat(new short[] {b.getShort(), b.getShort(), b.getShort()}).containsExactly((short) 3, (short) 2, (short) 3);
        float[] steps = new float[6];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = b.getFloat();
        }
        assertThat(steps).containsExactly(3, 30, 4, 40, 5, 50);
        assertThat(b.hasRemaining()).isFalse();
        assertThat(w.encodedSize()).isEqualTo(w.toBytes().length);
    }

    @Test
    void refusesCorruptBytesAndShortSteps() {
        byte[] bytes = new EntityWindow(3, 1).toBytes();
        bytes[0] = 9;
        assertThatThrownBy(() -> EntityWindow.fromBytes(bytes)).isInstanceOf(IllegalArgumentException.class);
        EntityWindow w = new EntityWindow(3, 2);
        w.add(new float[] {1, 2});
        byte[] truncated = java.util.Arrays.copyOf(w.toBytes(), 10);
        assertThatThrownBy(() -> EntityWindow.fromBytes(truncated)).hasMessageContaining("corrupt");
        assertThatThrownBy(() -> w.add(new float[] {1})).hasMessageContaining("needs 2 values");
    }
}
