package dev.kade.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * The fixture the {@code kill -9} equivalence tests ({@link IncidentKillIT}, {@link WindowedKillIT}) share: the same
 * input is run twice through kade in its own process under {@code exactly_once_v2}, run {@code b} killed
 * ({@code kill -9}) mid-stream several times while its input arrives, run {@code a} uninterrupted, and the tests
 * compare what each committed. Both runs' topics and settings are named by a prefix ({@code wk}, {@code ik}): input
 * {@code PREFIX-in}, outputs {@code PREFIX-RUN-SUFFIX}, application id {@code PREFIX-RUN-app}.
 */
final class KillRuns {
    private final Path dir;
    private final String prefix;
    private final String bootstrap;

    KillRuns(Path dir, String prefix, String bootstrap) {
        this.dir = dir;
        this.prefix = prefix;
        this.bootstrap = bootstrap;
    }

    String input() {
        return prefix + "-in";
    }

    /** Run {@code run}'s topic with {@code suffix} (e.g. {@code -scores}). */
    String topic(String run, String suffix) {
        return prefix + "-" + run + suffix;
    }

    /** Creates the input topic and, for runs {@code a} and {@code b}, one topic per suffix, each of {@code partitions}. */
    void createTopics(int partitions, List<String> suffixes) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            topics.add(new NewTopic(input(), partitions, (short) 1));
            for (String run : List.of("a", "b")) {
                for (String t : suffixes) {
                    topics.add(new NewTopic(topic(run, t), partitions, (short) 1));
                }
            }
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Writes run {@code run}'s settings file: the broker, {@code model}, {@code exactly_once_v2}, its own application
     * id, state directory and dead-letter topic ({@code -dlq}), then {@code extra} (its output topics and the
     * test's own settings), which may override any of them.
     */
    Path writeConfig(String run, Path model, Map<String, String> extra) throws Exception {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("bootstrap.servers", bootstrap);
        s.put("application.id", prefix + "-" + run + "-app");
        s.put("input.topics", input());
        s.put("dead.letter.topic", topic(run, "-dlq"));
        s.put("model.path", model.toString());
        s.put("processing.guarantee", "exactly_once_v2");
        s.put("metrics.port", "0");
        s.put("kafka.state.dir", dir.resolve("state-" + run).toString());
        s.putAll(extra);
        StringBuilder b = new StringBuilder();
        s.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        Path file = dir.resolve("kade-" + run + ".properties");
        Files.writeString(file, b.toString());
        return file;
    }

    /**
     * Run {@code b}: starts kade, and once it is ready starts {@code produce} on its own thread, then kills kade
     * {@code kills} times, each {@code every} after the last start ({@code awaitReady}: after the restarted kade is
     * ready again, so each kill lands while it processes), restarting it each time under the same pod name; after the
     * producer has finished, {@code collect} reads what the run committed while its last kade runs.
     */
    <T> T killed(Path config, int kills, Duration every, boolean awaitReady, Consumer<String> produce,
                 java.util.function.Supplier<T> collect) throws Exception {
        Path log = dir.resolve("kade-b.log");
        String pod = prefix + "-b-0";
        KadeProcess kade = KadeProcess.start(log, config, pod);
        Thread producer = new Thread(() -> produce.accept(bootstrap), prefix + "-producer");
        try {
            assertThat(kade.awaitStatus("/health/ready", 200, Duration.ofSeconds(120))).isNotNegative();
            producer.start();
            for (int kill = 0; kill < kills; kill++) {
                if (awaitReady) {
                    assertThat(kade.awaitStatus("/health/ready", 200, Duration.ofSeconds(120))).isNotNegative();
                }
                Thread.sleep(every.toMillis());
                kade.jvm().kill9();
                kade = KadeProcess.start(log, config, pod);
            }
            producer.join();
            return collect.get();
        } finally {
            kade.close();
        }
    }

    /** Run {@code a}: kade uninterrupted over the same input, {@code collect} reading what it committed. */
    <T> T uninterrupted(Path config, java.util.function.Supplier<T> collect) throws Exception {
        try (KadeProcess kade = KadeProcess.start(dir.resolve("kade-a.log"), config, prefix + "-a-0")) {
            return collect.get();
        }
    }

    /** A read_committed consumer's settings in its own group, from the earliest offset. */
    Properties committedReader(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }
}
