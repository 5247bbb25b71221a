package dev.kade.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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

    private final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger commitsChecked = new AtomicInteger();
    private final AtomicInteger closesChecked = new AtomicInteger();

    /** Starts watching the scoring batches ({@link LiveBatches}) so that commits can be checked against them. */
    CommitGuard() {
        LiveBatches.install();
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
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()) {
            @Override
            public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
                SENT_SINCE_COMMIT.get()[0]++;
                return super.send(record, callback);
            }

            @Override
            public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                                                 ConsumerGroupMetadata groupMetadata) {
                checkCommit("sendOffsetsToTransaction", offsets.keySet());
                super.sendOffsetsToTransaction(offsets, groupMetadata);
            }

            @Override
            public void abortTransaction() {
                SENT_SINCE_COMMIT.get()[0] = 0; // aborted output is never read by read_committed consumers
                super.abortTransaction();
            }

            @Override
            public void close(Duration timeout) {
                checkProducerClose();
                super.close(timeout);
            }
        };
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer()) {
            @Override
            public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
                checkCommit("commitSync", offsets.keySet());
                super.commitSync(offsets);
            }

            @Override
            public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
                checkCommit("commitSync", offsets.keySet());
                super.commitSync(offsets, timeout);
            }

            @Override
            public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
                checkCommit("commitAsync", offsets.keySet());
                super.commitAsync(offsets, callback);
            }
        };
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
