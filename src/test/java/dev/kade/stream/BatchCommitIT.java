package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.app.ScoringApp;
import dev.kade.app.StableTransactionalIds;
import dev.kade.app.StreamsSetup;
import dev.kade.config.KadeConfig;
import dev.kade.config.ProcessingGuarantee;
import dev.kade.metrics.BatchTrigger;
import dev.kade.metrics.KadeMetrics;
import dev.kade.onnx.OnnxModel;
import dev.kade.testing.SharedKafka;
import dev.kade.testing.TestModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Batched scoring on a real broker keeps both processing guarantees on every commit path: the regular
 * commit interval, commits requested by another task on the same thread ({@code context.commit()}), a
 * second instance joining and leaving, a stream thread added and removed, and a clean close, all with
 * partly filled batches (a batch waits up to a minute, so only commits empty them). A {@link CommitGuard}
 * checks in the Kafka clients that no offset is committed while its record is still buffered; a
 * read_committed consumer then finds every input exactly once (exactly-once) or at least once
 * (at-least-once) across the scores and dead-letter topics.
 */
class BatchCommitIT {
    private static final int PARTITIONS = 4;
    @RegisterExtension
    static final SharedKafka BROKER = new SharedKafka();

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(ProcessingGuarantee.class)
    void rebalancesAndCommitRequestsMidBatchLoseNothingAndCommitNoBufferedRecord(ProcessingGuarantee g) throws Exception {
        rebalancesMidBatch(g, false);
    }

    /**
     * The same under exactly-once through the clients production uses: static membership ({@code group.instance.id},
     * the pod name in Kubernetes) and {@code StableTransactionalIds}, which gives each stream thread's producer a
     * {@code transactional.id} built from it. The restarted node takes the first node's instance id, as a restarted pod does.
     */
    @org.junit.jupiter.api.Test
    void exactlyOnceHoldsThroughTheProductionClientSupplier() throws Exception {
        rebalancesMidBatch(ProcessingGuarantee.EXACTLY_ONCE_V2, true);
    }

    private void rebalancesMidBatch(ProcessingGuarantee g, boolean production) throws Exception {
        String p = SharedKafka.unique((production ? "rbp-" : "rb-") + tag(g));
        BROKER.kafka().createTopics(PARTITIONS, p + "-in", p + "-scores", p + "-alerts", p + "-dlq");
        BROKER.kafka().createTopics(1, p + "-commit");
        Path model = TestModels.writeModel(dir.resolve("model.onnx"), "v1");
        CommitGuard guard = new CommitGuard();
        List<Node> nodes = new ArrayList<>();
        Trickle trickle = new Trickle(p, true);
        try {
            Node a = start(nodes, "a", p, g, model, guard, production, 200);
            trickle.start();
            sleep(1200);
            Node b = start(nodes, "b", p, g, model, guard, production, 200); // joins: partitions move mid-batch
            sleep(1500);
            b.close(); // leaves: its partitions come back mid-batch
            sleep(1200);
            a.streams.addStreamThread().orElseThrow();
            sleep(1500);
            a.streams.removeStreamThread().orElseThrow();
            sleep(1000);
            a.close(); // clean close with records buffered
            trickle.stop();
            Node again = start(nodes, "a2", p, g, model, guard, production, 200);
            Map<String, Integer> seen = readUntilAllSeen(p, trickle.sent(), again);

            assertThat(guard.violations()).as("commit guard").isEmpty();
            assertGuaranteeHeld(g, seen, trickle.sent());
            assertThat(guard.commitsChecked()).as("commits checked").isGreaterThan(10);
            assertThat(guard.closesChecked()).as("producer closes checked").isGreaterThanOrEqualTo(3);
            if (production) {
                List<String> ids = BROKER.kafka().admin().listTransactions().all().get(30, TimeUnit.SECONDS).stream()
                        .map(org.apache.kafka.clients.admin.TransactionListing::transactionalId)
                        .filter(id -> id.startsWith(p + "-app-")).sorted().toList();
                // b may leave before it is given a task, and so before its producer registers an id
                assertThat(ids).as("transactional ids on the broker: <application.id>-<instance id>-<thread index>, "
                        + "the restart reusing a's, never Streams' random process id")
                        .contains(p + "-app-a-1", p + "-app-a-2").allMatch(id -> id.matches(java.util.regex.Pattern.quote(p + "-app-") + "[ab]-[12]"));
            }
            assertBatchesWereRealAndEmptiedByCommits(nodes);
        } finally {
            trickle.stop();
            nodes.forEach(Node::close);
        }
    }

    @ParameterizedTest
    @EnumSource(ProcessingGuarantee.class)
    void cleanCloseMidBatchSendsTheBufferInsideTheLastCommitAndARestartMissesNothing(ProcessingGuarantee g)
            throws Exception {
        String p = SharedKafka.unique("cl-" + tag(g));
        BROKER.kafka().createTopics(PARTITIONS, p + "-in", p + "-scores", p + "-alerts", p + "-dlq");
        BROKER.kafka().createTopics(1, p + "-commit");
        Path model = TestModels.writeModel(dir.resolve("model.onnx"), "v1");
        CommitGuard guard = new CommitGuard();
        List<Node> nodes = new ArrayList<>();
        try {
            // a long commit interval and wait: records stay buffered until the close commits
            Node a = start(nodes, "a", p, g, model, guard, false, 30_000);
            int first = 40;
            produce(p, 0, first);
            await(() -> LiveBatches.heldEverywhere() == first, "all " + first + " records buffered");
            assertThat(a.metrics.counts().scored() + a.metrics.counts().deadLettered()).as("nothing sent yet").isZero();
            a.close();
            assertThat(LiveBatches.heldEverywhere()).isZero();
            assertThat(a.metrics.counts().scored() + a.metrics.counts().deadLettered()).as("sent by the close commit")
                    .isEqualTo(first);
            assertThat(a.metrics.batches(BatchTrigger.COMMIT)).isPositive();

            Node b = start(nodes, "a2", p, g, model, guard, false, 200);
            produce(p, first, first);
            Map<String, Integer> seen = readUntilAllSeen(p, 2 * first, b);
            // a clean close and restart duplicate nothing, under either guarantee
            assertThat(guard.violations()).as("commit guard").isEmpty();
            assertGuaranteeHeld(ProcessingGuarantee.EXACTLY_ONCE_V2, seen, 2 * first);
            assertThat(guard.closesChecked()).isGreaterThanOrEqualTo(2);
        } finally {
            nodes.forEach(Node::close);
        }
    }

    /**
     * Without commits to empty it (a 30-second commit interval), a partly filled batch is scored once its first record
     * has waited {@code batch.max.wait.ms}, and not at once: the wait timer is armed by each batch's first record and
     * fires for every batch, the second after the first was scored included.
     */
    @Test
    void aPartlyFilledBatchIsScoredOnceItsFirstRecordHasWaitedMaxWait() throws Exception {
        String p = SharedKafka.unique("wait");
        BROKER.kafka().createTopics(PARTITIONS, p + "-in", p + "-scores", p + "-alerts", p + "-dlq");
        BROKER.kafka().createTopics(1, p + "-commit");
        Path model = TestModels.writeModel(dir.resolve("model.onnx"), "v1");
        List<Node> nodes = new ArrayList<>();
        try {
            Node a = start(nodes, "a", p, ProcessingGuarantee.AT_LEAST_ONCE, model, new CommitGuard(), false, 30_000, 2_000);
            for (int round = 1; round <= 2; round++) {
                int from = (round - 1) * 5;
                long sent = a.metrics.counts().scored() + a.metrics.counts().deadLettered();
                produce(p, from, 5);
                await(() -> LiveBatches.heldEverywhere() == 5, "round " + round + ": 5 records buffered");
                assertThat(a.metrics.counts().scored() + a.metrics.counts().deadLettered())
                        .as("round %d: nothing sent before the wait is over", round).isEqualTo(sent);
                await(() -> a.metrics.counts().scored() + a.metrics.counts().deadLettered() == sent + 5,
                        "round " + round + ": the 5 records sent after the wait");
                assertThat(LiveBatches.heldEverywhere()).isZero();
            }
            assertThat(a.metrics.batches(BatchTrigger.WAIT)).as("batches emptied by the wait").isGreaterThanOrEqualTo(2);
            assertThat(a.metrics.batches(BatchTrigger.COMMIT)).as("batches emptied by a commit").isZero();
            assertThat(a.metrics.batches(BatchTrigger.SIZE)).as("batches filled").isZero();
        } finally {
            nodes.forEach(Node::close);
        }
    }

    private static void assertGuaranteeHeld(ProcessingGuarantee g, Map<String, Integer> seen, int sent) {
        List<String> missing = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            int n = seen.getOrDefault(key(i), 0);
            if (n == 0) {
                missing.add(key(i));
            } else if (n > 1) {
                duplicated.add(key(i) + "x" + n);
            }
        }
        assertThat(missing).as("inputs with no output in scores or dead letters").isEmpty();
        if (g == ProcessingGuarantee.EXACTLY_ONCE_V2) {
            assertThat(duplicated).as("inputs with more than one output").isEmpty();
        }
        assertThat(seen.keySet()).as("outputs for inputs never sent").hasSize(sent);
    }

    private static void assertBatchesWereRealAndEmptiedByCommits(List<Node> nodes) {
        long scored = 0;
        long batches = 0;
        long byCommit = 0;
        long byWait = 0;
        for (Node n : nodes) {
            scored += n.metrics.counts().scored() + n.metrics.counts().deadLettered();
            for (BatchTrigger t : BatchTrigger.values()) {
                batches += n.metrics.batches(t);
            }
            byCommit += n.metrics.batches(BatchTrigger.COMMIT);
            byWait += n.metrics.batches(BatchTrigger.WAIT);
        }
        assertThat(byCommit).as("batches emptied by a commit").isPositive();
        assertThat(byWait).as("batches emptied by the (one minute) wait").isZero();
        assertThat(scored).as("records per batch > 1: batches held several records when commits came").isGreaterThan(2 * batches);
    }

    // ---- plumbing ----

    private static String tag(ProcessingGuarantee g) {
        return g == ProcessingGuarantee.EXACTLY_ONCE_V2 ? "eos" : "alos";
    }

    private static String key(int i) {
        return "id-" + i;
    }

    private static byte[] value(int i, Random random) {
        String v = i % 13 == 5 ? "not json " + i : TestModels.normal(random);
        return v.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Starts a node; with {@code production}, through the clients production uses: static membership under the
     * instance id {@code name} ("a2" is "a" restarted) and {@link StableTransactionalIds} behind the guard.
     */
    private Node start(List<Node> nodes, String name, String p, ProcessingGuarantee g, Path model, CommitGuard guard,
                       boolean production, long commitIntervalMs) throws InterruptedException {
        return start(nodes, name, p, g, model, guard, production, commitIntervalMs, 60_000);
    }

    private Node start(List<Node> nodes, String name, String p, ProcessingGuarantee g, Path model, CommitGuard guard,
                       boolean production, long commitIntervalMs, long maxWaitMs) throws InterruptedException {
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", BROKER.kafka().bootstrapServers());
        m.put("application.id", p + "-app");
        m.put("input.topics", p + "-in");
        m.put("alert.topic", p + "-alerts");
        m.put("scores.topic", p + "-scores");
        m.put("dead.letter.topic", p + "-dlq");
        m.put("model.path", model.toString());
        m.put("processing.guarantee", g.streamsValue());
        m.put("batch.max.records", "10000");
        m.put("batch.max.wait.ms", Long.toString(maxWaitMs));
        m.put("kafka.commit.interval.ms", Long.toString(commitIntervalMs));
        m.put("kafka.state.dir", dir.resolve("state-" + name).toString());
        m.put("kafka.num.stream.threads", "1");
        m.put("kafka.producer.transaction.timeout.ms", "60000"); // exactly-once wants commit interval below it
        KafkaClientSupplier clients = guard;
        if (production) {
            String instance = name.equals("a2") ? "a" : name;
            m.put("kafka.group.instance.id", instance);
            clients = guard.around(new StableTransactionalIds(p + "-app", instance));
        }
        Node n = new Node(KadeConfig.fromMap(m), clients, p + "-commit");
        nodes.add(n);
        await(() -> n.streams.state() == KafkaStreams.State.RUNNING, name + " RUNNING");
        return n;
    }

    /** One kade instance built as ScoringApp builds it, with the guarding clients and a commit-requesting task. */
    private static final class Node implements AutoCloseable {
        final KafkaStreams streams;
        final ModelRegistry models;
        final KadeMetrics metrics;
        private boolean closed;

        Node(KadeConfig config, KafkaClientSupplier clients, String commitTopic) {
            metrics = new KadeMetrics(config.applicationId());
            metrics.bindTo(new SimpleMeterRegistry());
            OnnxModel model = OnnxModel.load(config.modelPath());
            metrics.modelServing(model.metadata(), Instant.now());
            models = ModelRegistry.of(model);
            Topology t = ScoringTopology.build(StreamsSetup.topology(config), models, metrics);
            // another task on the same thread that asks for commits: one request commits every task on the thread
            t.addSource("commit-requests", commitTopic);
            t.addProcessor("commit-requester", CommitRequester::new, "commit-requests");
            streams = new KafkaStreams(t, StreamsSetup.properties(config, metrics), clients);
            streams.start();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
                models.close();
            }
        }
    }

    private static final class CommitRequester implements Processor<byte[], byte[], Void, Void> {
        private ProcessorContext<Void, Void> context;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.context = context;
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            context.commit();
        }
    }

    /** Sends uniquely keyed records round-robin over the partitions, a few every 25 ms, and commit requests. */
    private final class Trickle {
        private final String p;
        private final boolean commitRequests;
        private final AtomicBoolean running = new AtomicBoolean();
        private final AtomicInteger sent = new AtomicInteger();
        private Thread thread;

        Trickle(String p, boolean commitRequests) {
            this.p = p;
            this.commitRequests = commitRequests;
        }

        void start() {
            running.set(true);
            thread = new Thread(() -> {
                Random random = new Random(17);
                try (KafkaProducer<byte[], byte[]> producer = ScoringScenario.producer(BROKER.kafka().bootstrapServers())) {
                    int tick = 0;
                    while (running.get()) {
                        for (int k = 0; k < 2 * PARTITIONS; k++) {
                            int i = sent.get();
                            producer.send(new ProducerRecord<>(p + "-in", i % PARTITIONS,
                                    key(i).getBytes(StandardCharsets.UTF_8), value(i, random)));
                            sent.incrementAndGet();
                        }
                        if (commitRequests && ++tick % 12 == 0) {
                            producer.send(new ProducerRecord<>(p + "-commit", new byte[0], new byte[0]));
                        }
                        producer.flush();
                        sleep(25);
                    }
                }
            }, "trickle-" + p);
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            if (thread != null) {
                thread.join();
            }
        }

        int sent() {
            return sent.get();
        }
    }

    private static void produce(String p, int from, int count) {
        Random random = new Random(from);
        try (KafkaProducer<byte[], byte[]> producer = ScoringScenario.producer(BROKER.kafka().bootstrapServers())) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(p + "-in", i % PARTITIONS, key(i).getBytes(StandardCharsets.UTF_8),
                        value(i, random)));
            }
            producer.flush();
        }
    }

    /**
     * Counts outputs per input key on the scores and dead-letter topics (committed only) until every key is seen; then
     * closes {@code last}, the last running instance, and reads each output partition to its end, so that a duplicate
     * written at any time in the test, the last close included, is counted (not only within a short grace window).
     */
    private static Map<String, Integer> readUntilAllSeen(String p, int keys, Node last) {
        Map<String, Integer> seen = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.kafka().bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> tps = new ArrayList<>();
            for (String topic : List.of(p + "-scores", p + "-dlq")) {
                for (int i = 0; i < PARTITIONS; i++) {
                    tps.add(new org.apache.kafka.common.TopicPartition(topic, i));
                }
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (seen.size() < keys && System.nanoTime() < deadline) {
                count(consumer, seen);
            }
            last.close(); // nothing is written after this
            Map<org.apache.kafka.common.TopicPartition, Long> ends = consumer.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                count(consumer, seen);
            }
            assertThat(tps).as("output partitions read to their end").allMatch(tp -> consumer.position(tp) >= ends.get(tp));
        }
        return seen;
    }

    private static void count(KafkaConsumer<byte[], byte[]> consumer, Map<String, Integer> seen) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            seen.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
