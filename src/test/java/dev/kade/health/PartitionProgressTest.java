package dev.kade.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionProgressTest {
    private static final TopicPartition A = new TopicPartition("in", 0);
    private static final TopicPartition B = new TopicPartition("in", 1);
    private static final long S = 1_000_000_000L;

    private final PartitionProgress progress = new PartitionProgress(Duration.ofSeconds(10));

    private PartitionProgress.PartitionState at(long seconds, TopicPartition tp, long committed, long end) {
        List<PartitionProgress.PartitionState> states = progress.observe(seconds * S, Set.of(tp), Map.of(tp, committed),
                Map.of(tp, end));
        return states.get(0);
    }

    @Test
    void aPartitionWithLagWhoseCommitDoesNotMoveIsStalledAfterTheTimeout() {
        assertThat(at(0, A, 100, 500).stalled()).isFalse();
        assertThat(at(9, A, 100, 500).stalled()).isFalse();
        PartitionProgress.PartitionState late = at(11, A, 100, 600);
        assertThat(late.stalled()).isTrue();
        assertThat(late.lag()).isEqualTo(500);
        assertThat(late.describe()).contains("in-0").contains("11 s").contains("committed offset 100");
    }

    @Test
    void movingOrCaughtUpPartitionsAreNeverStalled() {
        for (int t = 0; t <= 60; t += 5) {
            assertThat(at(t, A, 100 + t, 1000).stalled()).as("moving at %d s", t).isFalse();
        }
        for (int t = 61; t <= 200; t += 20) {
            assertThat(at(t, A, 1000, 1000).stalled()).as("idle without lag at %d s", t).isFalse();
        }
    }

    @Test
    void aPartitionThatComesBackWithoutMovingKeepsItsClock() {
        at(0, A, 100, 500);
        // revoked while its thread is replaced: only B is owned
        progress.observe(6 * S, Set.of(B), Map.of(B, 0L), Map.of(B, 0L));
        assertThat(at(12, A, 100, 500).stalled()).as("a replaced thread does not reset the clock").isTrue();
    }

    @Test
    void onlyOwnedPartitionsAreReportedAndUnknownEndsCountAsNoLag() {
        List<PartitionProgress.PartitionState> states = progress.observe(0, Set.of(A, B), Map.of(A, 5L), Map.of());
        assertThat(states).extracting(PartitionProgress.PartitionState::partition).containsExactly(A, B);
        assertThat(progress.observe(100 * S, Set.of(A, B), Map.of(A, 5L), Map.of()))
                .noneMatch(PartitionProgress.PartitionState::stalled);
    }
}
