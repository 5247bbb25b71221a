package dev.kade.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.junit.jupiter.api.Test;

class ProducerHealthTest {
    @Test
    void failingMeansErrorsWithNoSuccessfulSendBetweenChecks() {
        try (Metrics metrics = new Metrics()) {
            Map<String, String> tags = Map.of("client-id", "p1");
            Sensor errors = metrics.sensor("errors");
            errors.add(metrics.metricName(ProducerHealth.ERRORS, ProducerHealth.GROUP, "", tags), new CumulativeSum());
            Sensor sends = metrics.sensor("sends");
            sends.add(metrics.metricName(ProducerHealth.SENDS, ProducerHealth.GROUP, "", tags), new CumulativeSum());
            ProducerHealth health = new ProducerHealth(metrics::metrics);

            assertThat(health.check()).isEmpty();
            sends.record(100);
            errors.record(1); // one bad record among good ones: the record's problem, not the producer's
            assertThat(health.check()).isEmpty();
            errors.record(5);
            assertThat(health.check()).hasValueSatisfying(r -> assertThat(r).contains("5 send errors"));
            sends.record(1);
            assertThat(health.check()).as("sending again").isEmpty();
        }
    }
}
