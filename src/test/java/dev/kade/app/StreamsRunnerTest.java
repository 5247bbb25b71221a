package dev.kade.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.health.CrashLoopDetector;
import dev.kade.health.HealthMonitor;
import dev.kade.stream.ScoringTopology;
import dev.kade.stream.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamsRunnerTest {
    @Test
    void replacesADeadStreamThreadUntilTheDeathsFormALoop() {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "runner-test");
        Topology t = ScoringTopology.passThrough(new Topics(List.of("in"), "out", Optional.empty(), "dlq"));
        HealthMonitor.Snapshot nothingMoves = new HealthMonitor.Snapshot(0, List.of(), Optional.empty(), 0,
                Optional.empty(), Map.of());
        AtomicInteger deaths = new AtomicInteger();
        try (StreamsRunner runner = new StreamsRunner(t, p, Duration.ofSeconds(5), s -> { },
                new CrashLoopDetector(3, () -> nothingMoves), deaths::incrementAndGet)) {
            assertThat(runner.onUncaught(new IllegalStateException("bug 1"))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
            assertThat(runner.onUncaught(new IllegalStateException("bug 2"))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
            assertThat(runner.onUncaught(new IllegalStateException("bug 3"))).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
            assertThat(deaths).hasValue(3);
        }
    }
}
