package dev.kade.testing;

import dev.kade.kafka.EmbeddedKafka;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * One in-process KRaft broker for the whole test JVM: started by the first test class that registers this
 * extension, shared by every later one, and closed when the test run ends (it lives in the root extension store,
 * which JUnit closes after the last test, and {@link EmbeddedKafka} is {@link AutoCloseable}).
 * <pre>{@code
 * @RegisterExtension
 * static final SharedKafka KAFKA = new SharedKafka();
 * ...
 * String in = SharedKafka.unique("in");           // a topic no other test of this JVM uses
 * ... KAFKA.kafka().createTopics(1, in); KAFKA.bootstrapServers() ...
 * }</pre>
 * A broker start costs seconds; before this, each broker IT started its own (about 15 per {@code mvn verify}).
 * Sharing is safe only because no test sees another's data: every test names its topics, application ids
 * (consumer groups) and transactional ids with {@link #unique}, and none changes the broker's configuration.
 * A test that needs a broker of its own (one that checks the broker itself, or stops it) starts one with
 * {@link EmbeddedKafka#start}; the fault suite runs brokers in processes of their own.
 */
public final class SharedKafka implements BeforeAllCallback {
    private static final Namespace NAMESPACE = Namespace.create(SharedKafka.class);
    private static final AtomicLong NAMES = new AtomicLong();

    private volatile EmbeddedKafka kafka;

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka = context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(EmbeddedKafka.class, key -> EmbeddedKafka.start(), EmbeddedKafka.class);
    }

    /** The broker this test JVM shares. */
    public EmbeddedKafka kafka() {
        EmbeddedKafka k = kafka;
        if (k == null) {
            throw new IllegalStateException("no broker: register the extension on a static field with @RegisterExtension");
        }
        return k;
    }

    /** Shorthand for {@code kafka().bootstrapServers()}. */
    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    /**
     * {@code base} made unique within this test JVM ({@code base-N}): for a topic, an application id or a
     * transactional id on the shared broker, so that no two tests share one.
     */
    public static String unique(String base) {
        return base + "-" + NAMES.incrementAndGet();
    }
}
