package dev.kade.stream;

import dev.kade.config.ProcessingGuarantee;
import dev.kade.testing.SharedKafka;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The end-to-end scenario on a real Kafka broker started in-process (KRaft), under both guarantees. */
class ScoringIT {
    @RegisterExtension
    static final SharedKafka BROKER = new SharedKafka();

    @ParameterizedTest
    @EnumSource(ProcessingGuarantee.class)
    void everyRecordIsScoredOrDeadLetteredAndEveryInjectedAnomalyAlerts(ProcessingGuarantee guarantee, @TempDir Path dir)
            throws Exception {
        ScoringScenario.run(BROKER.bootstrapServers(),
                SharedKafka.unique(guarantee.streamsValue().replace('_', '-').toLowerCase(Locale.ROOT)),
                dir, guarantee);
    }
}
