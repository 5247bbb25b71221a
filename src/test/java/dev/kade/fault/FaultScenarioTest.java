package dev.kade.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FaultScenarioTest {
    private static final ZoneId UTC = ZoneOffset.UTC;

    @Test
    void aStreamsStartLoggedBeforeMidnightIsReadOnItsOwnDate() {
        String log = "2020-01-31T23:59:59.900 [main] INFO StreamsRunner - Kafka Streams CREATED -> REBALANCING\n";
        long expected = LocalDateTime.of(2020, 1, 31, 23, 59, 59, 900_000_000).atZone(UTC).toInstant().toEpochMilli();
        assertThat(FaultScenario.streamsStartWallMs(log, 0, UTC)).isEqualTo(expected);
    }

    @Test
    void readsTheFirstStartAfterTheOffsetAndMinusOneWithoutOne() {
        String first = "2026-12-03T10:00:00.000 [main] INFO StreamsRunner - Kafka Streams CREATED -> REBALANCING\n";
        String second = "2026-12-04T00:00:01.250 [main] INFO StreamsRunner - Kafka Streams CREATED -> REBALANCING\n";
        long expected = LocalDateTime.of(2026, 12, 4, 0, 0, 1, 250_000_000).atZone(UTC).toInstant().toEpochMilli();
        assertThat(FaultScenario.streamsStartWallMs(first + second, first.length(), UTC)).isEqualTo(expected);
        assertThat(FaultScenario.streamsStartWallMs(first, first.length(), UTC)).isEqualTo(-1);
    }
}
