package dev.kade.cli;

import dev.kade.config.ConfigException;
import dev.kade.config.KadeConfig;
import dev.kade.stream.ScoringApp;
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
 * graceful shutdown, 1 when Kafka Streams ends in ERROR (so Kubernetes restarts the pod), 2 when a
 * setting or the model is invalid at start.
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
        } catch (ConfigException e) {
            System.err.println("kade run: invalid setting " + e.getMessage());
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
        KafkaStreams.State end = app.awaitTermination(Duration.ofDays(365 * 100L));
        if (end == KafkaStreams.State.ERROR || end == KafkaStreams.State.PENDING_ERROR) {
            System.err.println("kade run: Kafka Streams ended in " + end + "; exiting so the process is restarted");
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                app.close();
            } catch (IllegalStateException shuttingDown) {
                closed.await();
            }
            return EXIT_STREAMS_ERROR;
        }
        closed.await(); // the shutdown hook is closing the app (SIGTERM)
        return 0;
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
