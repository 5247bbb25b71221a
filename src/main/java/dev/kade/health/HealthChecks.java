package dev.kade.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What {@code /health/ready} and {@code /health/live} answer, from the Streams state, the model and the
 * {@link HealthMonitor}'s last check.
 *
 * <p><b>Ready</b>: Kafka Streams is RUNNING, a model is loaded, the broker answered the last check, the
 * producers are not failing, and no owned partition with lag has gone longer than the progress timeout
 * without its committed offset moving.
 *
 * <p><b>Live</b> unless the process is wedged: Kafka Streams is in ERROR (the process is about to exit 1),
 * the health monitor has stopped checking, or a partition has been stalled for {@value #WEDGED_TIMEOUTS}
 * progress timeouts while the broker answers (a stream thread stuck for good, e.g. in a producer flush).
 * A broker outage alone never fails liveness: restarting kade does not bring a broker back, and every
 * restart costs a rebalance.
 */
public final class HealthChecks {
    /** A partition stalled this many progress timeouts, with the broker answering, means the process is wedged. */
    public static final int WEDGED_TIMEOUTS = 3;

    private final Supplier<KafkaStreams.State> state;
    private final BooleanSupplier modelLoaded;
    private final Supplier<HealthMonitor> monitor;
    private final Duration progressTimeout;

    /**
     * @param state           Kafka Streams' state now
     * @param modelLoaded     whether a model serves
     * @param monitor         the health monitor (may supply null before it exists)
     * @param progressTimeout the monitor's progress timeout
     */
    public HealthChecks(Supplier<KafkaStreams.State> state, BooleanSupplier modelLoaded, Supplier<HealthMonitor> monitor,
                        Duration progressTimeout) {
        this.state = Objects.requireNonNull(state, "state");
        this.modelLoaded = Objects.requireNonNull(modelLoaded, "modelLoaded");
        this.monitor = Objects.requireNonNull(monitor, "monitor");
        this.progressTimeout = Objects.requireNonNull(progressTimeout, "progressTimeout");
    }

    public HealthStatus readiness() {
        List<String> reasons = new ArrayList<>();
        KafkaStreams.State s = state.get();
        if (s != KafkaStreams.State.RUNNING) {
            reasons.add("Kafka Streams is " + s + ", not RUNNING");
        }
        if (!modelLoaded.getAsBoolean()) {
            reasons.add("no model loaded");
        }
        HealthMonitor m = monitor.get();
        if (m != null) {
            reasons.addAll(HealthMonitor.problems(m.snapshot()));
        }
        return reasons.isEmpty() ? HealthStatus.ok() : HealthStatus.failing(reasons);
    }

    public HealthStatus liveness() {
        List<String> reasons = new ArrayList<>();
        KafkaStreams.State s = state.get();
        if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.PENDING_ERROR) {
            reasons.add("Kafka Streams is " + s);
        }
        HealthMonitor m = monitor.get();
        if (m != null) {
            HealthMonitor.Snapshot snap = m.snapshot();
            long age = System.nanoTime() - snap.atNanos();
            long limit = Math.max(m.interval().toNanos() * 5, Duration.ofSeconds(60).toNanos());
            if (age > limit) {
                reasons.add("health monitor has not completed a check for " + Duration.ofNanos(age).toSeconds() + " s");
            }
            long wedged = progressTimeout.toNanos() * WEDGED_TIMEOUTS;
            if (snap.brokerError().isEmpty()) {
                snap.stalled().stream().filter(p -> p.sinceProgressNanos() > wedged)
                        .forEach(p -> reasons.add("wedged: " + p.describe()));
            }
        }
        return reasons.isEmpty() ? HealthStatus.ok() : HealthStatus.failing(reasons);
    }
}
