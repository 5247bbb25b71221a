package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamsRunnerTest {
    @Test
    void replacesADeadStreamThreadButGivesUpOnACrashLoop() {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "runner-test");
        Topology t = ScoringTopology.passThrough(new Topics(java.util.List.of("in"), "out", java.util.Optional.empty(), "dlq"));
        try (StreamsRunner runner = new StreamsRunner(t, p, Duration.ofSeconds(5), s -> { })) {
            for (int i = 0; i < StreamsRunner.MAX_REPLACEMENTS; i++) {
                assertThat(runner.onUncaught(new IllegalStateException("bug " + i)))
                        .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
            }
            assertThat(runner.onUncaught(new IllegalStateException("again")))
                    .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        }
    }
}
