package dev.kade.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoMillisTest {
    private final IsoMillis iso = new IsoMillis();

    @Test
    void writesWhatInstantToStringWrites() {
        Random random = new Random(21);
        long[] edges = {0, -1, 1, 999, 1000, 60_000, 3_600_000, 86_399_999, 86_400_000, -86_400_000, IsoMillis.MIN,
            IsoMillis.MAX, Instant.parse("2026-11-25T11:59:58.123Z").toEpochMilli(),
            Instant.parse("2024-02-29T23:59:00Z").toEpochMilli(), Instant.parse("1900-03-01T00:00:00.010Z").toEpochMilli()};
        for (long t : edges) {
            assertSame(t);
        }
        for (int i = 0; i < 200_000; i++) {
            long t = switch (i % 4) {
                case 0 -> IsoMillis.MIN + (long) (random.nextDouble() * (IsoMillis.MAX - IsoMillis.MIN));
                case 1 -> 1_700_000_000_000L + random.nextInt(1_000_000_000); // days in a row, as a stream sees them
                case 2 -> (1_700_000_000L + random.nextInt(100_000_000)) * 1000; // whole seconds
                default -> (28_000_000L + random.nextInt(2_000_000)) * 60_000; // whole minutes
            };
            assertSame(t);
        }
    }

    @Test
    void leavesYearsBeyondFourDigitsToInstant() {
        assertThat(iso.format(IsoMillis.MAX + 1)).isEqualTo(-1);
        assertThat(iso.format(IsoMillis.MIN - 1)).isEqualTo(-1);
        assertThat(iso.format(Long.MAX_VALUE)).isEqualTo(-1);
        assertThat(iso.format(Long.MIN_VALUE)).isEqualTo(-1);
    }

    private void assertSame(long t) {
        int n = iso.format(t);
        assertThat(n).as("length for %d", t).isPositive();
        assertThat(new String(iso.text(), 0, n)).as("epoch ms %d", t).isEqualTo(Instant.ofEpochMilli(t).toString());
    }
}
