package dev.kade.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoInstantTest {
    private final IsoInstant iso = new IsoInstant();
    private static final long MIN_MS = IsoInstant.MIN_SECOND * 1000;
    private static final long MAX_MS = IsoInstant.MAX_SECOND * 1000 + 999;

    @Test
    void writesWhatInstantToStringWritesForEpochMillis() {
        Random random = new Random(21);
        long[] edges = {0, -1, 1, 999, 1000, 60_000, 3_600_000, 86_399_999, 86_400_000, -86_400_000, MIN_MS, MAX_MS,
            Instant.parse("2026-11-25T11:59:58.123Z").toEpochMilli(), Instant.parse("2024-02-29T23:59:00Z").toEpochMilli(),
            Instant.parse("1900-03-01T00:00:00.010Z").toEpochMilli()};
        for (long t : edges) {
            assertSameMillis(t);
        }
        for (int i = 0; i < 200_000; i++) {
            long t = switch (i % 4) {
                case 0 -> MIN_MS + (long) (random.nextDouble() * (MAX_MS - MIN_MS));
                case 1 -> 1_700_000_000_000L + random.nextInt(1_000_000_000); // days in a row, as a stream sees them
                case 2 -> (1_700_000_000L + random.nextInt(100_000_000)) * 1000; // whole seconds
                default -> (28_000_000L + random.nextInt(2_000_000)) * 60_000; // whole minutes
            };
            assertSameMillis(t);
        }
    }

    @Test
    void writesMicroAndNanosecondsInGroupsOfThreeAsInstantDoes() {
        Random random = new Random(18);
        int[] nanos = {0, 1, 999, 1000, 1_000_000, 123_000_000, 123_456_000, 123_456_789, 999_999_999, 100, 10_000};
        for (int i = 0; i < 100_000; i++) {
            long second = 1_700_000_000L + random.nextInt(100_000_000);
            int nano = i < nanos.length ? nanos[i] : switch (i % 3) {
                case 0 -> random.nextInt(1000) * 1_000_000;
                case 1 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            int n = iso.format(second, nano);
            assertThat(new String(iso.text(), 0, n)).isEqualTo(Instant.ofEpochSecond(second, nano).toString());
        }
    }

    @Test
    void leavesYearsBeyondFourDigitsToInstant() {
        assertThat(iso.format(MAX_MS + 1)).isEqualTo(-1);
        assertThat(iso.format(MIN_MS - 1)).isEqualTo(-1);
        assertThat(iso.format(Long.MAX_VALUE)).isEqualTo(-1);
        assertThat(iso.format(Long.MIN_VALUE)).isEqualTo(-1);
    }

    private void assertSameMillis(long t) {
        int n = iso.format(t);
        assertThat(n).as("length for %d", t).isPositive();
        assertThat(new String(iso.text(), 0, n)).as("epoch ms %d", t).isEqualTo(Instant.ofEpochMilli(t).toString());
    }
}
