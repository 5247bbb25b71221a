package dev.kade.admin;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds back the start of Kafka Streams until every topic it is given exists (kade's input and output
 * topics), and says why meanwhile.
 *
 * <p>Why wait instead of refusing to start: on Kubernetes an operator (Strimzi's {@code KafkaTopic}) often
 * creates the topics while the pod starts, and a pod that exits would crash-loop until it does. Why not let
 * Kafka Streams start: with a missing source topic it logs a WARN every 0.8 s and never says so on
 * {@code /health/ready}, and a stream thread writing to a missing topic blocks for {@code max.block.ms}, then
 * dies. Here the reason is one string for the readiness answer, the WARN comes once and
 * then at most once per {@link #REPEAT_WARNING}, and Streams starts as soon as the topics are there.
 *
 * <p>A check the broker does not answer is retried and never counts as "missing": the health monitor reports
 * an unreachable broker. Thread-safe; one daemon thread, stopped by {@link #close()}.
 */
public final class TopicsWait implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicsWait.class);
    /** How often a still-missing topic is logged again. */
    public static final Duration REPEAT_WARNING = Duration.ofMinutes(1);

    private final Admin admin;
    private final List<String> topics;
    private final Function<List<String>, String> describeMissing;
    private final Duration poll;
    private final Optional<Duration> limit;
    private final Runnable onPresent;
    private final Consumer<String> onGiveUp;
    private final LongSupplier nanoTime;
    private final Thread thread;
    private volatile Optional<String> reason = Optional.empty();
    private final Object lock = new Object();
    private boolean closed;
    private boolean started;

    /**
     * @param admin     used to list topics; closed by {@link #close()}
     * @param topics    the topics that must exist
     * @param describeMissing the reason given for missing topics: which, where, and how to create them
     * @param poll      time between checks
     * @param limit     how long to wait for missing topics; empty: no limit
     * @param onPresent called once, on this class's thread, when every topic exists (starts Kafka Streams)
     * @param onGiveUp  called once with the reason when the limit passes with topics still missing
     */
    public TopicsWait(Admin admin, List<String> topics, Function<List<String>, String> describeMissing, Duration poll, Optional<Duration> limit,
                           Runnable onPresent, Consumer<String> onGiveUp) {
        this(admin, topics, describeMissing, poll, limit, onPresent, onGiveUp, System::nanoTime);
    }

    TopicsWait(Admin admin, List<String> topics, Function<List<String>, String> describeMissing, Duration poll, Optional<Duration> limit,
                    Runnable onPresent, Consumer<String> onGiveUp, LongSupplier nanoTime) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.topics = List.copyOf(topics);
        this.describeMissing = Objects.requireNonNull(describeMissing, "describeMissing");
        this.poll = Objects.requireNonNull(poll, "poll");
        this.limit = Objects.requireNonNull(limit, "limit");
        this.onPresent = Objects.requireNonNull(onPresent, "onPresent");
        this.onGiveUp = Objects.requireNonNull(onGiveUp, "onGiveUp");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.thread = new Thread(this::waitForTopics, "kade-topics-wait");
        thread.setDaemon(true);
    }

    /** Starts checking; returns at once. */
    public TopicsWait start() {
        thread.start();
        return this;
    }

    /** Why kade is not scoring yet: the missing topics and what to do; empty once they all exist (or before the first check). */
    public Optional<String> reason() {
        return reason;
    }

    private void waitForTopics() {
        long start = nanoTime.getAsLong();
        long lastWarning = 0;
        boolean warned = false;
        Set<String> everMissing = new LinkedHashSet<>();
        while (true) {
            Optional<List<String>> missing = missing();
            if (missing.isPresent() && missing.get().isEmpty()) {
                reason = Optional.empty();
                if (warned) {
                    LOG.info("topic(s) {} exist now, after {} s; starting Kafka Streams", everMissing,
                            TimeUnit.NANOSECONDS.toSeconds(nanoTime.getAsLong() - start));
                }
                synchronized (lock) {
                    if (closed) {
                        return;
                    }
                    started = true; // from here on close() must not interrupt: Kafka Streams is starting
                }
                onPresent.run();
                return;
            }
            long now = nanoTime.getAsLong();
            if (missing.isPresent()) {
                everMissing.addAll(missing.get());
                String why = describeMissing.apply(missing.get());
                reason = Optional.of(why);
                if (limit.isPresent() && now - start >= limit.get().toNanos()) {
                    onGiveUp.accept(why + " (gave up after " + limit.get().toMillis() + " ms)");
                    return;
                }
                if (!warned) {
                    LOG.warn("{}; /health/ready answers 503 until they exist", why);
                    warned = true;
                    lastWarning = now;
                } else if (now - lastWarning >= REPEAT_WARNING.toNanos()) {
                    LOG.warn("still waiting, for {} s: {}", TimeUnit.NANOSECONDS.toSeconds(now - start), why);
                    lastWarning = now;
                }
            }
            try {
                Thread.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                return; // closed
            }
            synchronized (lock) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /** The missing topics, or empty when the broker did not answer. */
    private Optional<List<String>> missing() {
        try {
            Set<String> present = admin.listTopics(new ListTopicsOptions().timeoutMs((int) Math.max(1000, poll.toMillis())))
                    .names().get();
            return Optional.of(topics.stream().filter(t -> !present.contains(t)).toList());
        } catch (ExecutionException e) {
            if (reason.isEmpty()) {
                reason = Optional.of("topics not checked yet: " + e.getCause());
            }
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closed: the sleep that follows returns at once
            return Optional.empty();
        }
    }

    /** Stops checking (Kafka Streams is not started if it was not yet) and closes the Admin client. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (!started) {
                thread.interrupt();
            }
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(Duration.ofSeconds(1));
    }
}
