package dev.kade.cli;

import dev.kade.app.ScoringRun;
import dev.kade.config.ConfigException;
import dev.kade.config.KadeConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kade run}: scores a Kafka stream with an ONNX model until SIGTERM.
 *
 * <p>Settings come from {@code --config FILE}, then {@code KADE_*} environment variables, then options
 * (each option is a shorthand for one key; {@code -s key=value} sets any key). This command only parses
 * them: an invalid one exits {@value #EXIT_BAD_SETTING}; {@link ScoringRun} owns the rest of the run
 * (signals, shutdown, exit codes).
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score records from Kafka with an ONNX model; send anomalies to the alert topic.",
            "Settings: --config file, then KADE_* environment variables (KADE_BOOTSTRAP_SERVERS, "
                + "KADE_KAFKA_SASL_JAAS_CONFIG, ...), then options. See the README, section 'Scoring a Kafka stream'."})
public final class RunCommand implements Callable<Integer> {
    static final int EXIT_BAD_SETTING = ScoringRun.EXIT_BAD_SETTING;

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
        return ScoringRun.run(config, System.err);
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
