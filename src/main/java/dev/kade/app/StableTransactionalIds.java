package dev.kade.app;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Kafka Streams' clients as the default supplier does, except that under exactly-once the
 * producer's {@code transactional.id} is made stable across restarts: {@code <application.id>-<instance
 * id>-<thread index>} instead of Streams' {@code <application.id>-<random process id>-<thread index>}.
 *
 * <p>Why: Streams draws a new process id at every start unless the topology has a persistent state store
 * (kade's has none). After a {@code kill -9}, the new process then uses a new transactional id, so the dead
 * process's open transaction is not fenced: it stays open until {@code transaction.timeout.ms} (10 s under
 * Streams) plus the broker's abort sweep (up to 10 s more), and until then the group's offsets for those
 * partitions are unstable (the new instance cannot start them) and read_committed consumers downstream see
 * nothing past it. With the same transactional id, the new producer's {@code initTransactions} fences the
 * old one and aborts its transaction at once.
 *
 * <p>The instance id is the static-membership id ({@code group.instance.id}, the pod name): unique among
 * live instances (two members with one id would fence each other in the group anyway) and the same after
 * a container restart. Without one, Streams' own ids are kept.
 *
 * <p>Every other client is made as {@link ByteArrayClients} makes it. Public so that the batching tests (BatchCommitIT) run exactly-once through the clients production uses.
 */
public final class StableTransactionalIds extends ByteArrayClients {
    private static final Logger LOG = LoggerFactory.getLogger(StableTransactionalIds.class);
    private static final Pattern STREAMS_ID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}-(\\d+)");

    private final String applicationId;
    private final String instanceId;

    public StableTransactionalIds(String applicationId, String instanceId) {
        this.applicationId = Objects.requireNonNull(applicationId, "applicationId");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
    }

    /** The stable id for Streams' {@code transactional.id}, or the id unchanged when it is not Streams' form. */
    String transactionalId(String streamsId) {
        String prefix = applicationId + "-";
        if (streamsId == null || !streamsId.startsWith(prefix)) {
            return streamsId;
        }
        Matcher m = STREAMS_ID.matcher(streamsId.substring(prefix.length()));
        return m.matches() ? prefix + instanceId + "-" + m.group(1) : streamsId;
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        Object id = config.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        Map<String, Object> c = config;
        if (id instanceof String s) {
            String stable = transactionalId(s);
            if (!stable.equals(s)) {
                c = new HashMap<>(config);
                c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, stable);
                LOG.info("transactional.id {} (stable across restarts; Streams proposed {})", stable, s);
            }
        }
        return super.getProducer(c);
    }
}
