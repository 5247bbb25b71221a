package dev.kade.app;

import dev.kade.health.CrashLoopDetector;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link KafkaStreams} instance: logs the topology, tracks state, replaces a stream thread
 * that dies of an uncaught exception, and gives up, shutting the client down into ERROR (so the process
 * exits 1 and is restarted where it can be seen restarting), when the {@link CrashLoopDetector} sees the
 * deaths form a loop: deaths in a row between which no partition moved, however slowly they come.
 * Closes within a bounded time and leaves the consumer group on close, so that the partitions are
 * reassigned at once instead of after the session timeout (with static membership too: a planned
 * shutdown must not hold partitions for a member that may not come back under the same name).
 */
public final class StreamsRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsRunner.class);

    private final KafkaStreams streams;
    private final Duration closeTimeout;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final CrashLoopDetector crashLoops;
    private final Runnable onThreadDeath;
    private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;

    /**
     * @param onStateChange called with every new state (on a Kafka Streams thread; keep it short)
     * @param crashLoops    decides when thread deaths are a loop
     * @param onThreadDeath called on every stream-thread death (for the metric)
     */
    public StreamsRunner(Topology topology, Properties properties, Duration closeTimeout,
                         Consumer<KafkaStreams.State> onStateChange, CrashLoopDetector crashLoops, Runnable onThreadDeath) {
        this(topology, properties, null, closeTimeout, onStateChange, crashLoops, onThreadDeath);
    }

    /** As above, with the clients made by {@code clients} (null: Kafka Streams' default supplier). */
    StreamsRunner(Topology topology, Properties properties, org.apache.kafka.streams.KafkaClientSupplier clients,
                  Duration closeTimeout, Consumer<KafkaStreams.State> onStateChange, CrashLoopDetector crashLoops,
                  Runnable onThreadDeath) {
        Objects.requireNonNull(topology, "topology");
        this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
        this.crashLoops = Objects.requireNonNull(crashLoops, "crashLoops");
        this.onThreadDeath = Objects.requireNonNull(onThreadDeath, "onThreadDeath");
        LOG.info("topology:\n{}", topology.describe());
        this.streams = clients == null ? new KafkaStreams(topology, properties)
                : new KafkaStreams(topology, properties, clients);
        streams.setStateListener((next, previous) -> {
            state = next;
            LOG.info("Kafka Streams {} -> {}", previous, next);
            onStateChange.accept(next);
            if (next == KafkaStreams.State.NOT_RUNNING || next == KafkaStreams.State.ERROR) {
                terminated.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(this::onUncaught);
    }

    StreamThreadExceptionResponse onUncaught(Throwable e) {
        onThreadDeath.run();
        CrashLoopDetector.Verdict v = crashLoops.threadDied();
        if (v.crashLoop()) {
            LOG.error("CRASH LOOP: stream threads died {} times in a row with no partition moving in between; "
                    + "the same records kill every replacement. Shutting down so the process exits 1. Last error:",
                    v.deathsWithoutProgress(), e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        LOG.error("stream thread died ({} of {} deaths in a row without progress before kade gives up); replacing it",
                v.deathsWithoutProgress(), crashLoops.maxDeaths(), e);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    public void start() {
        streams.start();
    }

    /** The Kafka Streams instance, for metric binders. */
    public KafkaStreams streams() {
        return streams;
    }

    public KafkaStreams.State state() {
        return state;
    }

    /** Blocks until the instance is NOT_RUNNING or in ERROR, or the timeout passes; returns the state then. */
    public KafkaStreams.State awaitTermination(Duration timeout) throws InterruptedException {
        terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return state;
    }

    /** Closes Kafka Streams, leaving the group, waiting at most the close timeout. */
    @Override
    public void close() {
        long t0 = System.nanoTime();
        boolean clean = streams.close(CloseOptions.timeout(closeTimeout)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        LOG.info("Kafka Streams closed {} in {} ms", clean ? "cleanly" : "with timeout",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        terminated.countDown();
    }
}
