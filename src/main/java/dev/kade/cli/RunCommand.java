package dev.kade.cli;

import dev.kade.app.ScoringApp;
import dev.kade.app.StopSignals;
import dev.kade.app.TopicsAtStart;
import dev.kade.config.ConfigException;
import dev.kade.config.KadeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kade run}: scores a Kafka stream with an ONNX model until SIGTERM.
 *
 * <p>Settings come from {@code --config FILE}, then {@code KADE_*} environment variables, then options
 * (each option is a shorthand for one key; {@code -s key=value} sets any key). Exit codes: 0 after a
 * graceful shutdown (SIGTERM or SIGINT), 1 when Kafka Streams ends in ERROR, a stream-thread crash loop
 * included (so Kubernetes restarts the pod and shows it), 2 when a setting or the model is invalid at start,
 * or a topic is still missing after {@code topics.wait.ms}.
 *
 * <p>Why SIGTERM is caught as a signal and not only through a shutdown hook: a JVM that shuts down because
 * of a signal exits with 128 + 15 = 143 whatever its hooks do, so a clean stop would read as a failure.
 * kade handles TERM and INT itself (with {@code sun.misc.Signal}, in the {@code jdk.unsupported} module),
 * closes the app on the main thread and exits 0. Where that API is missing, the shutdown hook still closes
 * the app, and the exit code is the JVM's.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score records from Kafka with an ONNX model; send anomalies to the alert topic.",
            "Settings: --config file, then KADE_* environment variables (KADE_BOOTSTRAP_SERVERS, "
                + "KADE_KAFKA_SASL_JAAS_CONFIG, ...), then options. See the README, section 'Scoring a Kafka stream'."})
public final class RunCommand implements Callable<Integer> {
    static final int EXIT_STREAMS_ERROR = 1;
    static final int EXIT_BAD_SETTING = 2;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with kade settings.")
    Path configFile;

    @Option(names = "--bootstrap-servers", paramLabel = "HOSTS", description = "Sets bootstrap.servers.")
    String bootstrapServers;

    @Option(names = "--input-topics", paramLabel = "TOPICS", description = "Sets input.topics (comma-separated).")
    String inputTopics;

    @Option(names = "--model", paramLabel = "FILE", description = "Sets model.path.")
    String model;

    @Option(names = "--application-id", paramLabel = "ID", description = "Sets application.id.")
    String applicationId;

    @Option(names = "--metrics-port", paramLabel = "PORT", description = "Sets metrics.port (0 = a free port).")
    String metricsPort;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Sets any key, e.g. -s kafka.security.protocol=SSL.")
    Map<String, String> settings = new LinkedHashMap<>();

    /** Where environment variables come from; tests replace it. */
    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() throws InterruptedException {
        KadeConfig config;
        try {
            config = KadeConfig.load(Optional.ofNullable(configFile), environment, overrides());
            Optional<String> instanceId = GroupInstanceId.derive(environment);
            if (instanceId.isPresent() && !config.kafka().containsKey("group.instance.id")) {
                Map<String, String> withId = overrides();
                withId.put(GroupInstanceId.KAFKA_KEY, instanceId.get());
                config = KadeConfig.load(Optional.ofNullable(configFile), environment, withId);
            }
        } catch (ConfigException e) {
            System.err.println("kade run: invalid setting " + e.getMessage());
            return EXIT_BAD_SETTING;
        }
        Optional<String> topicProblem = TopicsAtStart.prepare(config);
        if (topicProblem.isPresent()) {
            System.err.println("kade run: " + topicProblem.get());
            return EXIT_BAD_SETTING;
        }
        ScoringApp app;
        try {
            app = ScoringApp.start(config);
        } catch (ConfigException e) {
            System.err.println("kade run: cannot start: " + e.getMessage());
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
            System.err.println("kade run: " + app.startFailure().get());
            if (removeHook(hook)) {
                app.close();
            } else {
                closed.await();
            }
            return EXIT_BAD_SETTING;
        }
        if (!terminal(end) && signalsHandled) {
            System.err.println("kade run: stop requested; closing");
            if (removeHook(hook)) {
                app.close();
                return 0;
            }
        }
        if (end == KafkaStreams.State.ERROR || end == KafkaStreams.State.PENDING_ERROR) {
            System.err.println("kade run: Kafka Streams ended in " + end + "; exiting so the process is restarted");
            if (removeHook(hook)) {
                app.close();
            } else {
                closed.await();
            }
            return EXIT_STREAMS_ERROR;
        }
        closed.await(); // the shutdown hook is closing the app (a stop this process could not catch)
        return 0;
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

    Map<String, String> overrides() {
        Map<String, String> m = new LinkedHashMap<>(settings);
        put(m, KadeConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        put(m, KadeConfig.INPUT_TOPICS, inputTopics);
        put(m, KadeConfig.MODEL_PATH, model);
        put(m, KadeConfig.APPLICATION_ID, applicationId);
        put(m, KadeConfig.METRICS_PORT, metricsPort);
        return m;
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
