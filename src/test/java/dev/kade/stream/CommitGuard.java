package dev.kade.stream;

import dev.kade.app.ByteArrayClients;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * Kafka clients for Kafka Streams that check the batching rule where it matters, in the clients
 * themselves: whenever offsets are committed ({@code commitSync}/{@code commitAsync} under at-least-once,
 * {@code sendOffsetsToTransaction} under exactly-once), no scoring batch on the committing thread may still
 * hold a record of a partition being committed; and when a thread's producer closes, nothing may have been
 * sent since that thread's last commit (which would be output outside the last commit, e.g. forwarded from
 * {@code Processor.close()}). Violations are collected, not thrown, so the test reports all of them.
 */
final class CommitGuard implements KafkaClientSupplier {
    private static final ThreadLocal<int[]> SENT_SINCE_COMMIT = ThreadLocal.withInitial(() -> new int[1]);

    private final List<String> violations;
    private final AtomicInteger commitsChecked;
    private final AtomicInteger closesChecked;
    private final KafkaClientSupplier clients;

    /** Starts watching the scoring batches ({@link LiveBatches}) so that commits can be checked against them. */
    CommitGuard() {
        this(new ByteArrayClients(), java.util.Collections.synchronizedList(new ArrayList<>()), new AtomicInteger(), new AtomicInteger());
    }

    private CommitGuard(KafkaClientSupplier clients, List<String> violations, AtomicInteger commitsChecked,
                        AtomicInteger closesChecked) {
        this.clients = java.util.Objects.requireNonNull(clients, "clients");
        this.violations = violations;
        this.commitsChecked = commitsChecked;
        this.closesChecked = closesChecked;
        LiveBatches.install();
    }

    /**
     * The clients {@code clients} makes (the production supplier, {@code StableTransactionalIds}, for one), checked
     * by this guard (the same violations and counts): every producer and consumer is wrapped in a proxy that checks
     * each call before passing it on.
     */
    KafkaClientSupplier around(KafkaClientSupplier clients) {
        return new CommitGuard(clients, violations, commitsChecked, closesChecked);
    }

    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    /** Offset commits (or transactional offset sends) the guard has checked. */
    int commitsChecked() {
        return commitsChecked.get();
    }

    /** Producer closes the guard has checked. */
    int closesChecked() {
        return closesChecked.get();
    }

    private void checkCommit(String how, Collection<TopicPartition> partitions) {
        commitsChecked.incrementAndGet();
        Map<TopicPartition, Integer> held = LiveBatches.heldOnThisThread();
        for (TopicPartition tp : partitions) {
            Integer n = held.get(tp);
            if (n != null && n > 0) {
                violations.add(how + " on " + Thread.currentThread().getName() + " committed " + tp + " while " + n
                        + " of its records were still buffered");
            }
        }
        SENT_SINCE_COMMIT.get()[0] = 0;
    }

    private void checkProducerClose() {
        closesChecked.incrementAndGet();
        int sent = SENT_SINCE_COMMIT.get()[0];
        if (sent > 0) {
            violations.add(Thread.currentThread().getName() + " sent " + sent + " records after its last commit");
        }
    }

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return clients.getAdmin(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        Producer<byte[], byte[]> producer = clients.getProducer(config);
        return watch(Producer.class, producer, (method, args) -> {
            switch (method.getName()) {
                case "send" -> SENT_SINCE_COMMIT.get()[0]++;
                case "sendOffsetsToTransaction" -> checkCommit("sendOffsetsToTransaction", partitions(args[0]));
                case "abortTransaction" -> SENT_SINCE_COMMIT.get()[0] = 0; // aborted output is never read by read_committed consumers
                case "close" -> checkProducerClose();
                default -> { }
            }
        });
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        Consumer<byte[], byte[]> consumer = clients.getConsumer(config);
        return watch(Consumer.class, consumer, (method, args) -> {
            String name = method.getName();
            if ((name.equals("commitSync") || name.equals("commitAsync")) && args != null && args.length > 0
                    && args[0] instanceof Map<?, ?> offsets) {
                checkCommit(name, partitions(offsets));
            }
        });
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return clients.getRestoreConsumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return clients.getGlobalConsumer(config);
    }

    /** The partitions of an offsets map ({@code Map<TopicPartition, OffsetAndMetadata>}). */
    @SuppressWarnings("unchecked")
    private static Collection<TopicPartition> partitions(Object offsets) {
        return ((Map<TopicPartition, ?>) offsets).keySet();
    }

    /** What to check before a call reaches the client. */
    private interface Check {
        void before(Method method, Object[] args);
    }

    /** {@code client} behind a proxy of {@code type} that runs {@code check} before every call. */
    @SuppressWarnings("unchecked")
    private static <T> T watch(Class<?> type, Object client, Check check) {
        return (T) Proxy.newProxyInstance(CommitGuard.class.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            check.before(method, args);
            try {
                return method.invoke(client, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }
}
