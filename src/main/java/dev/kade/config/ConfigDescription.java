package dev.kade.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * {@link KadeConfig#describe()}: every setting on one line, safe to log. Secrets are redacted by type:
 * Kafka keys its own ConfigDefs declare as passwords, kade keys of type password, and every unchecked key
 * (its type is unknown).
 */
final class ConfigDescription {
    private static final String REDACTED = "[redacted]";

    private ConfigDescription() {
    }

    static String describe(Map<String, Object> values, Map<String, String> kafka) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (ConfigDef.ConfigKey key : KadeConfig.DEFINITION.configKeys().values()) {
            Object v = values.get(key.name);
            m.put(key.name, key.type == Type.PASSWORD && v != null ? REDACTED
                    : v instanceof List<?> l ? l.stream().map(String::valueOf).collect(Collectors.joining(","))
                    : v == null ? "(unset)" : v);
        }
        new TreeMap<>(kafka).forEach((k, v) -> m.put(KadeConfig.KAFKA_PREFIX + k, secret(k) ? REDACTED : v));
        return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    private static boolean secret(String kafkaKey) {
        return KafkaKeys.password(kafkaKey) || !KafkaKeys.known(kafkaKey);
    }
}
