package dev.kade.testing;

import dev.kade.kafka.EmbeddedKafka;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One in-process Kafka broker per test class, started before its first test and closed after its last:
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedKafkaExtension BROKER = new EmbeddedKafkaExtension();
 * ... BROKER.kafka().bootstrapServers() ...
 * }</pre>
 * Replaces the same {@code @BeforeAll}/{@code @AfterAll} pair that several ITs carried. Tests give their topics
 * names of their own, so that the tests of a class can share the broker.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedKafka kafka;

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka = EmbeddedKafka.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }

    /** The running broker. */
    public EmbeddedKafka kafka() {
        if (kafka == null) {
            throw new IllegalStateException("no broker: register the extension on a static field with @RegisterExtension");
        }
        return kafka;
    }
}
