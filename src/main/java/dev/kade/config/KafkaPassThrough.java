package dev.kade.config;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Checks on the {@code kafka.*} settings kade passes through to Kafka Streams and its clients: each key is
 * one Kafka defines (or listed in {@value KadeConfig#UNCHECKED_KAFKA_KEYS}), none is a property kade sets
 * from its own keys, a JAAS configuration parses, and Kafka Streams accepts the values; a failure names
 * the {@code kafka.} key. Only checks: what Streams runs with is built in {@code dev.kade.app.StreamsSetup}.
 */
final class KafkaPassThrough {
    /** Kafka properties kade sets from its own keys; setting them under {@code kafka.} would be ambiguous. */
    private static final Map<String, String> OWNED_KAFKA_KEYS = Map.of(
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, KadeConfig.BOOTSTRAP_SERVERS,
            StreamsConfig.APPLICATION_ID_CONFIG, KadeConfig.APPLICATION_ID,
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG, KadeConfig.PROCESSING_GUARANTEE,
            StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, KadeConfig.DEAD_LETTER_TOPIC);
    private static final Pattern KAFKA_CONFIG_NAME = Pattern.compile("for configuration ([^\\s:]+)");
    private static final String PREFIX = KadeConfig.KAFKA_PREFIX;

    private KafkaPassThrough() {
    }

    /** Checks one pass-through key (prefix stripped) and its value. */
    static void check(String k, String value, Set<String> unchecked) {
        String owner = OWNED_KAFKA_KEYS.get(k);
        if (owner != null) {
            throw new ConfigException(PREFIX + k, "set '" + owner + "' instead; kade owns this Kafka property");
        }
        if (!KafkaKeys.known(k) && !unchecked.contains(k)) {
            String hint = KafkaKeys.closest(k).map(c -> "did you mean '" + PREFIX + c + "'? ").orElse("");
            throw new ConfigException(PREFIX + k, "unknown Kafka property; " + hint
                    + "Kafka Streams and its clients define no such key. For a plugin's own key, list it in "
                    + KadeConfig.UNCHECKED_KAFKA_KEYS + ".");
        }
        if (k.endsWith(SaslConfigs.SASL_JAAS_CONFIG)) {
            Optional<String> problem = KafkaKeys.jaasProblem(value);
            if (problem.isPresent()) {
                throw new ConfigException(PREFIX + k, "malformed JAAS configuration: " + problem.get());
            }
        }
    }

    /** Lets Kafka Streams check the pass-through properties now, so a bad one fails start-up naming its key. */
    static void validate(KadeConfig config) {
        Properties p = new Properties();
        p.putAll(config.kafka());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee().streamsValue());
        // as app.StreamsSetup sets it; otherwise this check alone logs Streams' GlobalThread handler WARN
        p.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        try {
            new StreamsConfig(p);
        } catch (org.apache.kafka.common.config.ConfigException e) {
            Matcher m = KAFKA_CONFIG_NAME.matcher(String.valueOf(e.getMessage()));
            throw new ConfigException(m.find() ? PREFIX + m.group(1) : PREFIX + "*", e.getMessage());
        }
    }
}
