package dev.kade.app;

import dev.kade.config.ConfigException;
import dev.kade.config.KadeConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The life of one {@code kade run} process once its settings are parsed: topics prepared, the
 * {@link ScoringApp} started, stop signals and the shutdown hook installed, and an exit code chosen.
 *
 * <p>Exit codes: {@value #EXIT_OK} after a graceful shutdown (SIGTERM or SIGINT), {@value #EXIT_STREAMS_ERROR}
 * when Kafka Streams ends in ERROR, a stream-thread crash loop included (so Kubernetes restarts the pod and
 * shows it), {@value #EXIT_BAD_SETTING} when a setting or the model is invalid at start, or a topic is still
 * missing after {@code topics.wait.ms}.
 *
 * <p>Why SIGTERM is caught as a signal and not only through a shutdown hook: a JVM that shuts down because
 * of a signal exits with 128 + 15 = 143 whatever its hooks do, so a clean stop would read as a failure.
 * kade handles TERM and INT itself ({@link StopSignals}), closes the app on the main thread and exits 0.
 * Where that API is missing, the shutdown hook still closes the app, and the exit code is the JVM's.
 */
public final class ScoringRun {
    public static final int EXIT_OK = 0;
    public static final int EXIT_STREAMS_ERROR = 1;
    public static final int EXIT_BAD_SETTING = 2;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ScoringRun.class);

    private ScoringRun() {
    }

    /**
     * Runs kade with {@code config} until it is stopped or fails, and returns the process's exit code.
     *
     * @param err where the one-line reasons for stopping go, prefixed {@code kade run:}
     */
    public static int run(KadeConfig config, PrintStream err) throws InterruptedException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(err, "err");
        ScoringApp app;
        try {
            app = ScoringApp.startPreparingTopics(config); // /health answers while the topics are checked
        } catch (ConfigException e) {
            err.println("kade run: cannot start: " + e.getMessage());
            return EXIT_BAD_SETTING;
        }
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            app.close();
            closed.countDown();
        }, "kade-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        CountDownLatch stopRequested = new CountDownLatch(1);
        boolean signalsHandled = StopSignals.install(stopRequested::countDown);
        KafkaStreams.State end;
        do {
            end = app.awaitTermination(Duration.ofMillis(200));
        } while (!terminal(end) && stopRequested.getCount() > 0 && app.startFailure().isEmpty());
        if (app.startFailure().isPresent()) {
            err.println("kade run: " + app.startFailure().get());
            closeOrAwait(app, hook, closed);
            return EXIT_BAD_SETTING;
        }
        if (!terminal(end) && signalsHandled) {
            LOG.info("stop requested; closing"); // a log line, not stderr text: it is no failure (JSON logs stay JSON)
            if (removeHook(hook)) {
                app.close();
                return EXIT_OK;
            }
        }
        if (end == KafkaStreams.State.ERROR || end == KafkaStreams.State.PENDING_ERROR) {
            err.println("kade run: Kafka Streams ended in " + end + "; exiting so the process is restarted");
            closeOrAwait(app, hook, closed);
            return EXIT_STREAMS_ERROR;
        }
        closed.await(); // the shutdown hook is closing the app (a stop this process could not catch)
        return EXIT_OK;
    }

    /** Closes the app here, or, when the JVM is already shutting down, waits for the hook that closes it. */
    private static void closeOrAwait(ScoringApp app, Thread hook, CountDownLatch closed) throws InterruptedException {
        if (removeHook(hook)) {
            app.close();
        } else {
            closed.await();
        }
    }

    private static boolean terminal(KafkaStreams.State s) {
        return s == KafkaStreams.State.ERROR || s == KafkaStreams.State.PENDING_ERROR || s == KafkaStreams.State.NOT_RUNNING;
    }

    /** False when the JVM is already shutting down (the hook then runs, or ran, the close). */
    private static boolean removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            return true;
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
    }
}
