package dev.kade.stream;

import dev.kade.config.ProcessingGuarantee;
import dev.kade.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The end-to-end scenario on a real Kafka broker started in-process (KRaft), under both guarantees. */
class ScoringIT {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @ParameterizedTest
    @EnumSource(ProcessingGuarantee.class)
    void everyRecordIsScoredOrDeadLetteredAndEveryInjectedAnomalyAlerts(ProcessingGuarantee guarantee, @TempDir Path dir)
            throws Exception {
        ScoringScenario.run(kafka.bootstrapServers(), guarantee.streamsValue().replace('_', '-').toLowerCase(Locale.ROOT),
                dir, guarantee);
    }
}
