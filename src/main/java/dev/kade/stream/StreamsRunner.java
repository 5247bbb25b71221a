package dev.kade.stream;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
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
 * that dies of an uncaught exception (and gives up, shutting the client down into ERROR, when threads
 * keep dying: more than {@value #MAX_REPLACEMENTS} replacements within a minute means a crash loop the
 * pod should restart from), and closes within a bounded time.
 */
public final class StreamsRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsRunner.class);
    static final int MAX_REPLACEMENTS = 10;

    private final KafkaStreams streams;
    private final Duration closeTimeout;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final Deque<Long> replacements = new ArrayDeque<>();
    private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;

    /**
     * @param onStateChange called with every new state (on a Kafka Streams thread; keep it short)
     */
    public StreamsRunner(Topology topology, Properties properties, Duration closeTimeout,
                         Consumer<KafkaStreams.State> onStateChange) {
        Objects.requireNonNull(topology, "topology");
        this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
        LOG.info("topology:\n{}", topology.describe());
        this.streams = new KafkaStreams(topology, properties);
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

    synchronized StreamThreadExceptionResponse onUncaught(Throwable e) {
        long now = System.nanoTime();
        replacements.addLast(now);
        while (!replacements.isEmpty() && now - replacements.peekFirst() > TimeUnit.MINUTES.toNanos(1)) {
            replacements.removeFirst();
        }
        if (replacements.size() > MAX_REPLACEMENTS) {
            LOG.error("stream threads died {} times within a minute; shutting down so the process restarts",
                    replacements.size(), e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        LOG.error("stream thread died; replacing it", e);
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

    /** Closes Kafka Streams, waiting at most the close timeout; true when it closed cleanly in time. */
    @Override
    public void close() {
        long t0 = System.nanoTime();
        boolean clean = streams.close(CloseOptions.timeout(closeTimeout));
        LOG.info("Kafka Streams closed {} in {} ms", clean ? "cleanly" : "with timeout",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        terminated.countDown();
    }
}
