package dev.kade.cli;

import dev.kade.admin.KadeTopics;
import dev.kade.admin.TopicRole;
import dev.kade.admin.TopicStatus;
import dev.kade.config.ConfigException;
import dev.kade.config.KadeConfig;
import dev.kade.config.Purpose;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kade topics}: creates kade's missing topics (inputs, alerts, scores, dead letters) or, with
 * {@code --check}, only reports them; reads the same settings as {@code run}. Exit 0 when every topic is there,
 * 1 when one is missing after the run or Kafka fails, 2 for a bad setting.
 */
@Command(name = "topics", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Create kade's missing topics (inputs, alerts, scores, dead letters), or check them with --check.",
            "Reads the same settings as run (--config file, KADE_* environment variables, options); model.path is not needed."})
public final class TopicsCommand implements Callable<Integer> {
    static final int EXIT_MISSING = 1;
    static final int EXIT_BAD_SETTING = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file with kade settings (the one run uses).")
    Path configFile;

    @Option(names = "--bootstrap-servers", paramLabel = "HOSTS", description = "Sets bootstrap.servers.")
    String bootstrapServers;

    @Option(names = "--input-topics", paramLabel = "TOPICS", description = "Sets input.topics (comma-separated).")
    String inputTopics;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Sets any key, e.g. -s kafka.security.protocol=SSL.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--check", description = "Create nothing; exit 1 if a topic is missing (needs only Describe on the topics).")
    boolean check;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of created topics (default: the broker's "
            + "num.partitions). The input partition count caps how many kade instances share the work.")
    Integer partitions;

    @Option(names = "--replication-factor", paramLabel = "N", description = "Replicas of created topics (default: the "
            + "broker's default.replication.factor).")
    Short replicationFactor;

    @Option(names = "--topic-config", paramLabel = "KEY=VALUE", description = "A topic config for created topics, "
            + "e.g. --topic-config retention.ms=604800000 --topic-config min.insync.replicas=2.")
    Map<String, String> topicConfigs = new LinkedHashMap<>();

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "Bound on each Kafka call. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    /** Where environment variables come from; tests replace it. */
    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        KadeConfig config;
        try {
            if (partitions != null && partitions < 1) {
                throw new ConfigException("--partitions", "must be >= 1, got " + partitions);
            }
            if (replicationFactor != null && replicationFactor < 1) {
                throw new ConfigException("--replication-factor", "must be >= 1, got " + replicationFactor);
            }
            config = KadeConfig.load(Optional.ofNullable(configFile), environment, overrides(), Purpose.TOPICS);
        } catch (ConfigException e) {
            err.println("kade topics: invalid setting " + e.getMessage());
            return EXIT_BAD_SETTING;
        }
        KadeTopics topics = KadeTopics.of(config, timeout);
        List<TopicStatus> statuses;
        try (Admin admin = Admin.create(KadeTopics.adminProperties(config))) {
            statuses = check ? topics.check(admin)
                    : topics.create(admin, EnumSet.allOf(TopicRole.class), Optional.ofNullable(partitions),
                            Optional.ofNullable(replicationFactor), topicConfigs);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            err.println("kade topics: Kafka at " + config.bootstrapServers() + " failed: "
                    + cause.getClass().getSimpleName() + ": " + cause.getMessage());
            return EXIT_MISSING;
        }
        out.printf("%-13s %-40s %-8s %10s %12s%n", "role", "topic", "state", "partitions", "replication");
        for (TopicStatus s : statuses) {
            out.printf("%-13s %-40s %-8s %10s %12s%n", s.role().label(), s.name(), s.state().name().toLowerCase(Locale.ROOT),
                    s.present() ? s.partitions() : "-", s.present() ? s.replicationFactor() : "-");
        }
        int cap = KadeTopics.inputPartitions(statuses);
        if (cap > 0) {
            out.printf("input partitions: %d, so at most %d kade stream threads (instances x num.stream.threads) get work%n",
                    cap, cap);
        }
        List<String> missing = statuses.stream().filter(s -> !s.present()).map(TopicStatus::name).toList();
        if (!missing.isEmpty()) {
            err.println("kade topics: missing " + missing + (check ? "; run kade topics without --check to create them" : ""));
            return EXIT_MISSING;
        }
        return 0;
    }

    Map<String, String> overrides() {
        Map<String, String> m = new LinkedHashMap<>(settings);
        if (bootstrapServers != null) {
            m.put(KadeConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        }
        if (inputTopics != null) {
            m.put(KadeConfig.INPUT_TOPICS, inputTopics);
        }
        return m;
    }
}
