package dev.kade.admin;

import dev.kade.config.KadeConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * kade's topics (inputs, alerts, optional scores, dead letters) checked or created through Kafka's Admin API,
 * for {@code kade topics} and for {@code run} with {@code topics.create=true}.
 *
 * <p>Input topics are created only by {@code kade topics}, never by {@code run}: their partition count bounds
 * how many instances can share the work, which is a decision, not a default.
 */
public final class KadeTopics {
    private final Map<String, TopicRole> topics;
    private final List<String> order;
    private final Duration timeout;

    /**
     * @param topics  topic name to role, in the order to report them
     * @param timeout bound on each Admin call
     */
    public KadeTopics(Map<String, TopicRole> topics, Duration timeout) {
        this.topics = Map.copyOf(Objects.requireNonNull(topics, "topics"));
        this.order = List.copyOf(topics.keySet());
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** The topics a configuration names: every input, the alert topic, the scores topic if set, the dead-letter topic. */
    public static KadeTopics of(KadeConfig config, Duration timeout) {
        Map<String, TopicRole> m = new LinkedHashMap<>();
        config.inputTopics().forEach(t -> m.put(t, TopicRole.INPUT));
        m.put(config.alertTopic(), TopicRole.ALERTS);
        config.scoresTopic().ifPresent(t -> m.put(t, TopicRole.SCORES));
        m.put(config.deadLetterTopic(), TopicRole.DEAD_LETTERS);
        return new KadeTopics(m, timeout);
    }

    /**
     * Admin client properties from the configuration: bootstrap servers, the pass-through {@code kafka.*}
     * keys the Admin client defines (security, SASL, SSL, timeouts) and {@code kafka.admin.*} keys.
     */
    public static Map<String, Object> adminProperties(KadeConfig config) {
        Map<String, Object> p = new HashMap<>();
        config.kafka().forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                p.put(k, v);
            }
        });
        config.kafka().forEach((k, v) -> {
            if (k.startsWith("admin.")) {
                p.put(k.substring("admin.".length()), v);
            }
        });
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, config.applicationId() + "-topics");
        return p;
    }

    /** Each topic as the cluster has it now; creates nothing. */
    public List<TopicStatus> check(Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, KafkaFuture<TopicDescription>> found = admin.describeTopics(order).topicNameValues();
        List<TopicStatus> out = new ArrayList<>();
        for (String name : order) {
            out.add(describe(name, found.get(name), TopicStatus.State.EXISTS));
        }
        return out;
    }

    /**
     * Creates the missing topics of the given roles, then reports every topic.
     *
     * @param roles             which missing topics to create ({@code run} passes the output roles only)
     * @param partitions        partitions of created topics; empty = the broker's {@code num.partitions}
     * @param replicationFactor replicas of created topics; empty = the broker's {@code default.replication.factor}
     * @param configs           topic configs of created topics (e.g. {@code retention.ms}); existing topics are
     *                          not changed
     */
    public List<TopicStatus> create(Admin admin, java.util.Set<TopicRole> roles, Optional<Integer> partitions,
                                    Optional<Short> replicationFactor, Map<String, String> configs)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<NewTopic> missing = new ArrayList<>();
        for (TopicStatus s : check(admin)) {
            if (!s.present() && roles.contains(s.role())) {
                missing.add(new NewTopic(s.name(), partitions, replicationFactor).configs(Map.copyOf(configs)));
            }
        }
        Map<String, KafkaFuture<Void>> created = missing.isEmpty() ? Map.of() : admin.createTopics(missing).values();
        List<String> madeNow = new ArrayList<>();
        for (Map.Entry<String, KafkaFuture<Void>> e : created.entrySet()) {
            try {
                e.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                madeNow.add(e.getKey());
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) {
                    throw ex; // created by someone else meanwhile is fine; anything else is not
                }
            }
        }
        List<TopicStatus> now = check(admin);
        // A topic just created may not be in the metadata the next describe reads yet: look again, within the timeout.
        long deadline = System.nanoTime() + timeout.toNanos();
        while (now.stream().anyMatch(s -> madeNow.contains(s.name()) && !s.present()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            now = check(admin);
        }
        List<TopicStatus> out = new ArrayList<>();
        for (TopicStatus s : now) {
            out.add(madeNow.contains(s.name()) && s.present()
                    ? new TopicStatus(s.name(), s.role(), TopicStatus.State.CREATED, s.partitions(), s.replicationFactor())
                    : s);
        }
        return out;
    }

    private TopicStatus describe(String name, KafkaFuture<TopicDescription> future, TopicStatus.State ifPresent)
            throws InterruptedException, ExecutionException, TimeoutException {
        TopicRole role = topics.get(name);
        try {
            TopicDescription d = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            int replicas = d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size();
            return new TopicStatus(name, role, ifPresent, d.partitions().size(), replicas);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return new TopicStatus(name, role, TopicStatus.State.MISSING, 0, 0);
            }
            throw e;
        }
    }

    /** Every topic's name, inputs first. */
    public List<String> names() {
        return order;
    }

    /**
     * Why start-up cannot go on while these topics are missing, naming the settings that decide it: input
     * topics are never created by {@code run}; output topics are when {@code topics.create=true}.
     */
    public String missingReason(List<String> missing, KadeConfig config) {
        List<String> inputs = missing.stream().filter(t -> topics.get(t) == TopicRole.INPUT).toList();
        List<String> outputs = missing.stream().filter(t -> topics.get(t) != TopicRole.INPUT).toList();
        String create = KadeConfig.TOPICS_CREATE + "=" + config.topicsCreate();
        List<String> parts = new ArrayList<>();
        if (!inputs.isEmpty()) {
            parts.add("input topic(s) " + inputs + " (" + KadeConfig.INPUT_TOPICS + ") do not exist on "
                    + config.bootstrapServers() + "; " + create + ", and run never creates input topics: create them, "
                    + "e.g. with kade topics, which also shows the partition count");
        }
        if (!outputs.isEmpty()) {
            parts.add("output topic(s) " + outputs + " do not exist on " + config.bootstrapServers() + "; " + create
                    + ": create them with kade topics, or set " + KadeConfig.TOPICS_CREATE + "=true");
        }
        return String.join("; ", parts);
    }

    /**
     * The most partitions among the input topics: kade reads all inputs through one source, so Kafka Streams makes
     * that many tasks, and at most that many instances (stream threads in all) get work.
     */
    public static int inputPartitions(List<TopicStatus> statuses) {
        return statuses.stream().filter(s -> s.role() == TopicRole.INPUT).mapToInt(TopicStatus::partitions).max().orElse(0);
    }
}
