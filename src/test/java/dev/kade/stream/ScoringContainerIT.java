package dev.kade.stream;

import dev.kade.config.ProcessingGuarantee;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same end-to-end scenario against Kafka in a container ({@code apache/kafka}), where a Docker engine
 * exists; skipped cleanly where none does.
 */
@Testcontainers(disabledWithoutDocker = true)
class ScoringContainerIT {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.4.0");

    @Test
    void everyRecordIsScoredOrDeadLetteredAndEveryInjectedAnomalyAlerts(@TempDir Path dir) throws Exception {
        ScoringScenario.run(KAFKA.getBootstrapServers(), "container", dir, ProcessingGuarantee.EXACTLY_ONCE_V2);
    }
}
