package dev.kade.config;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What Kafka itself defines about the pass-through {@code kafka.*} keys: which names exist (so that a typo
 * such as {@code kafka.num.stream.thread} fails at start instead of being ignored by Kafka with a WARN),
 * which are passwords (so that logs redact by type, not by guessing from words in the name), and whether a
 * JAAS configuration parses.
 *
 * <p>The names come from Kafka's own {@link ConfigDef}s: Streams, consumer, producer and admin client, each
 * also under the prefixes Streams accepts ({@code consumer.}, {@code main.consumer.}, {@code producer.},
 * {@code admin.}, ...), and topic configs under {@code topic.}. Keys of plugins Kafka cannot know (a custom
 * login callback's options, say) are passed unchecked when listed in {@code unchecked.kafka.keys}, and are
 * then always redacted, since their type is unknown.
 */
final class KafkaKeys {
    private static final List<String> CLIENT_PREFIXES = List.of(StreamsConfig.CONSUMER_PREFIX,
            StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.RESTORE_CONSUMER_PREFIX,
            StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.PRODUCER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX);
    private static final Map<String, ConfigDef.Type> TYPES = types();
    private static final Set<String> TOPIC_CONFIGS = topicConfigs();

    private KafkaKeys() {
    }

    /** True when Kafka Streams or one of its clients defines this (prefix-stripped) key. */
    static boolean known(String key) {
        return type(key).isPresent() || key.startsWith(StreamsConfig.TOPIC_PREFIX)
                && TOPIC_CONFIGS.contains(key.substring(StreamsConfig.TOPIC_PREFIX.length()))
                || key.startsWith(StreamsConfig.CLIENT_TAG_PREFIX) && key.length() > StreamsConfig.CLIENT_TAG_PREFIX.length();
    }

    /** True when Kafka defines the key as a password. */
    static boolean password(String key) {
        return type(key).filter(t -> t == ConfigDef.Type.PASSWORD).isPresent();
    }

    /** The closest defined key, for "did you mean" hints; empty when nothing is close. */
    static Optional<String> closest(String key) {
        return closest(key, TYPES.keySet());
    }

    /**
     * The candidate closest to {@code key} by edit distance, for "did you mean" hints (kade's own keys use it
     * as Kafka's do); empty when nothing is within a fifth of the key's length (at least 2 edits).
     */
    static Optional<String> closest(String key, java.util.Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 5) ? Optional.ofNullable(best) : Optional.empty();
    }

    /**
     * Parses a JAAS configuration as Kafka's clients will when they start, so that a malformed one fails at
     * start naming its key instead of as a stack trace from deep inside the first client.
     *
     * @return empty when it parses, else why not
     */
    static Optional<String> jaasProblem(String jaasConfig) {
        try {
            JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(jaasConfig)));
            return Optional.empty();
        } catch (IllegalArgumentException | SecurityException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    private static Optional<ConfigDef.Type> type(String key) {
        ConfigDef.Type t = TYPES.get(key);
        if (t != null) {
            return Optional.of(t);
        }
        for (String prefix : CLIENT_PREFIXES) {
            if (key.startsWith(prefix)) {
                return Optional.ofNullable(TYPES.get(key.substring(prefix.length())));
            }
        }
        return Optional.empty();
    }

    private static Map<String, ConfigDef.Type> types() {
        Map<String, ConfigDef.Type> m = new HashMap<>();
        for (ConfigDef def : List.of(StreamsConfig.configDef(), ConsumerConfig.configDef(), ProducerConfig.configDef(),
                AdminClientConfig.configDef())) {
            def.configKeys().forEach((name, key) -> m.merge(name, key.type,
                    (a, b) -> a == ConfigDef.Type.PASSWORD ? a : b));
        }
        return Map.copyOf(m);
    }

    /** The values of TopicConfig's {@code *_CONFIG} constants: the names a topic config may have. */
    private static Set<String> topicConfigs() {
        Set<String> names = new HashSet<>();
        for (var field : TopicConfig.class.getFields()) {
            if (field.getName().endsWith("_CONFIG") && field.getType() == String.class) {
                try {
                    names.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return Set.copyOf(names);
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** For tests: every known name. */
    static Collection<String> names() {
        return TYPES.keySet();
    }
}
