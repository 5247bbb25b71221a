package dev.kade.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class CrashLoopDetectorTest {
    private static final TopicPartition POISONED = new TopicPartition("in", 0);
    private static final TopicPartition HEALTHY = new TopicPartition("in", 1);

    private final AtomicReference<HealthMonitor.Snapshot> view = new AtomicReference<>(HealthMonitor.Snapshot.none());
    private final CrashLoopDetector detector = new CrashLoopDetector(3, view::get);

    /** The broker's view: committed and end offsets of the owned partitions. */
    private void observe(long poisonedCommitted, long healthyCommitted) {
        List<PartitionProgress.PartitionState> states = new ArrayList<>();
        states.add(new PartitionProgress.PartitionState(POISONED, poisonedCommitted, 10_000, 0, 0, false));
        states.add(new PartitionProgress.PartitionState(HEALTHY, healthyCommitted, 10_000, 0, 0, false));
        Map<TopicPartition, Long> committed = new HashMap<>();
        committed.put(POISONED, poisonedCommitted);
        committed.put(HEALTHY, healthyCommitted);
        view.set(new HealthMonitor.Snapshot(0, states, Optional.empty(), 0, Optional.empty(), committed));
    }

    @Test
    void deathsWithNoProgressBetweenThemAreALoopHoweverFarApart() {
        // no clock at all: a thread that dies every 45 s (or every hour) loops as surely as one that dies at once
        observe(500, 500);
        assertThat(detector.threadDied()).isEqualTo(new CrashLoopDetector.Verdict(false, 1));
        assertThat(detector.threadDied()).isEqualTo(new CrashLoopDetector.Verdict(false, 2));
        assertThat(detector.threadDied()).isEqualTo(new CrashLoopDetector.Verdict(true, 3));
    }

    @Test
    void progressBetweenDeathsStartsTheCountAgain() {
        observe(500, 500);
        detector.threadDied();
        detector.threadDied();
        observe(900, 900); // both partitions moved: the earlier deaths were not the same record
        assertThat(detector.threadDied()).isEqualTo(new CrashLoopDetector.Verdict(false, 1));
        assertThat(detector.threadDied().crashLoop()).isFalse();
        assertThat(detector.threadDied().crashLoop()).isTrue();
    }

    @Test
    void aPoisonedPartitionLoopsEvenWhileAnotherOneMoves() {
        observe(500, 100);
        detector.threadDied();
        observe(500, 2_000);
        detector.threadDied();
        observe(500, 4_000);
        assertThat(detector.threadDied().crashLoop()).isTrue();
    }

    @Test
    void needsAtLeastTwoDeaths() {
        assertThatThrownBy(() -> new CrashLoopDetector(1, view::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
