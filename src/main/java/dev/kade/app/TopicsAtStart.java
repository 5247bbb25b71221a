package dev.kade.app;

import dev.kade.admin.KadeTopics;
import dev.kade.admin.TopicRole;
import dev.kade.admin.TopicStatus;
import dev.kade.config.KadeConfig;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code run} does about its topics before it starts Kafka Streams: creates missing output topics when
 * {@code topics.create=true}, and refuses to start, naming them, when topics are missing with
 * {@code topics.wait.ms=0}. Otherwise {@link dev.kade.app.ScoringApp} waits for missing topics, input or
 * output, while it serves {@code /health}: on Kubernetes an operator (Strimzi's {@code KafkaTopic}) often
 * creates them as the pod starts.
 *
 * <p>A broker that does not answer within the timeout is not a reason to refuse: Kafka Streams retries, and
 * {@code /health/ready} says why it is not ready.
 */
public final class TopicsAtStart {
    private static final Logger LOG = LoggerFactory.getLogger(TopicsAtStart.class);
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    private TopicsAtStart() {
    }

    /** Empty when start-up may go on; else the one-line reason it may not. */
    public static Optional<String> prepare(KadeConfig config) throws InterruptedException {
        KadeTopics topics = KadeTopics.of(config, TIMEOUT);
        List<TopicStatus> statuses;
        Map<String, Object> props = new java.util.HashMap<>(KadeTopics.adminProperties(config));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        Admin admin = Admin.create(props);
        try {
            statuses = config.topicsCreate()
                    ? topics.create(admin, EnumSet.of(TopicRole.ALERTS, TopicRole.SCORES, TopicRole.DEAD_LETTERS),
                            Optional.empty(), Optional.empty(), Map.of())
                    : topics.check(admin);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            LOG.warn("could not check topics on {} ({}: {}); starting anyway, Kafka Streams will retry",
                    config.bootstrapServers(), cause.getClass().getSimpleName(), cause.getMessage());
            return Optional.empty();
        } finally {
            admin.close(CLOSE_TIMEOUT); // an unanswered call must not hold start-up (close waits for it by default)
        }
        statuses.stream().filter(s -> s.state() == TopicStatus.State.CREATED).forEach(s -> LOG.info(
                "created {} topic {} ({} partitions, replication {}) because topics.create=true", s.role().label(),
                s.name(), s.partitions(), s.replicationFactor()));
        List<String> missing = statuses.stream().filter(s -> !s.present()).map(TopicStatus::name).toList();
        if (!missing.isEmpty()) {
            if (config.topicsWait().filter(Duration::isZero).isPresent()) {
                return Optional.of(topics.missingReason(missing, config) + " (" + KadeConfig.TOPICS_WAIT_MS + "=0)");
            }
            return Optional.empty(); // ScoringApp waits for them, /health/ready naming them
        }
        LOG.info("topics present: input partitions {} (at most that many stream threads get work)",
                KadeTopics.inputPartitions(statuses));
        return Optional.empty();
    }
}
