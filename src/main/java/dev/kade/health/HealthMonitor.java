package dev.kade.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches, from outside the stream threads, whether this instance's partitions move and whether the broker
 * answers. Every {@code interval} it asks the broker (through its own admin client) for the group's
 * committed offsets and the partitions' end offsets, feeds them to {@link PartitionProgress}, reads the
 * producers' health, and publishes one immutable {@link Snapshot}. Readiness, liveness, the crash-loop
 * detector and the metrics all read that snapshot, so they agree.
 *
 * <p>Why an admin client and not a hook in the processor: a committed offset is what survives a crash, it
 * moves only when records were really processed and their outputs sent, and reading it needs nothing from
 * a stream thread that may be dead or stuck. The cost is two small requests per interval.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    private final Admin admin;
    private final String groupId;
    private final Supplier<Set<TopicPartition>> assigned;
    private final ProducerHealth producers;
    private final PartitionProgress progress;
    private final Duration interval;
    private final Duration requestTimeout;
    private final Consumer<Snapshot> listener;
    private final ScheduledExecutorService executor;
    private volatile Snapshot snapshot;
    private long brokerLastOk = System.nanoTime();

    /**
     * What the monitor saw at its last check.
     *
     * @param atNanos         when ({@link System#nanoTime()})
     * @param partitions      every assigned partition's progress
     * @param brokerError     why the broker did not answer, if it did not
     * @param brokerDownNanos how long the broker has not answered (0 when it answers)
     * @param producerError   why the producers look broken, if they do
     * @param groupCommitted  the group's committed offset of every partition it has committed, assigned here
     *                        or not (from the last check the broker answered)
     */
    public record Snapshot(long atNanos, List<PartitionProgress.PartitionState> partitions, Optional<String> brokerError,
                           long brokerDownNanos, Optional<String> producerError, Map<TopicPartition, Long> groupCommitted) {
        public Snapshot {
            partitions = List.copyOf(partitions);
            groupCommitted = Map.copyOf(groupCommitted);
        }

        /** Nothing observed yet. */
        public static Snapshot none() {
            return new Snapshot(System.nanoTime(), List.of(), Optional.empty(), 0, Optional.empty(), Map.of());
        }

        public List<PartitionProgress.PartitionState> stalled() {
            return partitions.stream().filter(PartitionProgress.PartitionState::stalled).toList();
        }

        /** Seconds since the least recently moving partition with lag last moved; 0 when all are caught up. */
        public double secondsSinceProgress() {
            return partitions.stream().filter(p -> p.lag() > 0).mapToLong(PartitionProgress.PartitionState::sinceProgressNanos)
                    .max().orElse(0) / 1e9;
        }

    }

    /**
     * @param admin          admin client for the cluster (owned: closed with the monitor)
     * @param groupId        the consumer group (Kafka Streams' application id)
     * @param assigned       the partitions this instance owns now
     * @param producers      the producers' health
     * @param progressTimeout how long a partition with lag may go without moving before it counts as stalled
     * @param interval       time between checks
     * @param listener       told of every new snapshot (on the monitor's thread; keep it short)
     */
    public HealthMonitor(Admin admin, String groupId, Supplier<Set<TopicPartition>> assigned, ProducerHealth producers,
                         Duration progressTimeout, Duration interval, Consumer<Snapshot> listener) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.groupId = Objects.requireNonNull(groupId, "groupId");
        this.assigned = Objects.requireNonNull(assigned, "assigned");
        this.producers = Objects.requireNonNull(producers, "producers");
        this.progress = new PartitionProgress(progressTimeout);
        this.interval = Objects.requireNonNull(interval, "interval");
        this.requestTimeout = interval.compareTo(Duration.ofSeconds(5)) < 0 ? Duration.ofSeconds(5) : interval;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.snapshot = Snapshot.none();
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kade-health");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts checking every interval. */
    public HealthMonitor start() {
        executor.scheduleWithFixedDelay(this::checkSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The last snapshot. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** The interval between checks. */
    public Duration interval() {
        return interval;
    }

    private void checkSafely() {
        try {
            check();
        } catch (Throwable t) { // the monitor must outlive anything a check throws; liveness watches its ticks
            LOG.warn("health check failed: {}", t.toString());
        }
    }

    /** Runs one check now; for the scheduler and for tests. */
    Snapshot check() throws InterruptedException {
        long now = System.nanoTime();
        Set<TopicPartition> owned = assigned.get();
        Optional<String> brokerError = Optional.empty();
        Map<TopicPartition, Long> committed = new HashMap<>();
        Map<TopicPartition, Long> end = new HashMap<>();
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
            offsets.forEach((tp, o) -> {
                if (o != null) {
                    committed.put(tp, o.offset());
                }
            });
            if (!owned.isEmpty()) {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                owned.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest,
                        new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                        .get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
                ends.forEach((tp, info) -> end.put(tp, info.offset()));
            }
            brokerLastOk = now;
        } catch (ExecutionException e) {
            brokerError = Optional.of("broker did not answer: " + e.getCause());
        } catch (TimeoutException e) {
            brokerError = Optional.of("broker did not answer within " + requestTimeout.toSeconds() + " s");
        }
        List<PartitionProgress.PartitionState> states;
        if (brokerError.isPresent()) {
            // without fresh offsets, keep the previous view of each partition (ages still grow)
            states = progress.observe(now, owned, snapshot.groupCommitted(), lastEnds());
        } else {
            states = progress.observe(now, owned, committed, end);
        }
        Snapshot next = new Snapshot(now, states, brokerError, brokerError.isPresent() ? now - brokerLastOk : 0,
                producers.check(), brokerError.isPresent() ? snapshot.groupCommitted() : committed);
        if (!next.stalled().isEmpty() && snapshot.stalled().isEmpty()) {
            LOG.warn("partitions stalled: {}", next.stalled().stream().map(PartitionProgress.PartitionState::describe).toList());
        }
        if (brokerError.isPresent() && snapshot.brokerError().isEmpty()) {
            LOG.warn("health: {}", brokerError.get());
        }
        snapshot = next;
        listener.accept(next);
        return next;
    }

    private Map<TopicPartition, Long> lastEnds() {
        Map<TopicPartition, Long> m = new HashMap<>();
        snapshot.partitions().forEach(p -> m.put(p.partition(), p.end()));
        return m;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }

    /** The reasons in a snapshot that make the instance not ready (empty when none). */
    public static List<String> problems(Snapshot s) {
        List<String> out = new ArrayList<>();
        s.brokerError().ifPresent(out::add);
        s.producerError().ifPresent(out::add);
        s.stalled().forEach(p -> out.add(p.describe()));
        return out;
    }
}
