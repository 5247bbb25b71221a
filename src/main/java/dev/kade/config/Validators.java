package dev.kade.config;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The checks kade's settings need beyond Kafka's own {@link ConfigDef.Range}: each throws
 * {@link ConfigException} naming the key, and prints as the "valid values" column of the README table.
 */
final class Validators {
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private Validators() {
    }

    /** A legal Kafka topic name (also used for the application id, which prefixes internal topics). */
    static ConfigDef.Validator topic() {
        return ConfigDef.LambdaValidator.with((key, value) -> {
            if (value != null) {
                requireTopic(key, (String) value);
            }
        }, () -> "a Kafka topic name");
    }

    /** A non-empty list of legal topic names. */
    static ConfigDef.Validator topics() {
        return ConfigDef.LambdaValidator.with((key, value) -> {
            @SuppressWarnings("unchecked")
            List<String> list = (List<String>) value;
            List<String> named = list == null ? List.of() : list.stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
            if (named.isEmpty()) {
                throw new ConfigException(key, "is required (a comma-separated list of topics)");
            }
            named.forEach(t -> requireTopic(key, t));
        }, () -> "comma-separated topic names");
    }

    /** Unset, or an integer of at least {@code min}. */
    static ConfigDef.Validator optionalAtLeast(long min) {
        return ConfigDef.LambdaValidator.with((key, value) -> {
            if (value != null && ((Number) value).longValue() < min) {
                throw new ConfigException(key, "invalid value '" + value + "', must be at least " + min);
            }
        }, () -> "unset, or at least " + min);
    }

    /** 0 (off), or an integer of at least {@code min}. */
    static ConfigDef.Validator zeroOrAtLeast(long min) {
        return ConfigDef.LambdaValidator.with((key, value) -> {
            long v = value == null ? 0 : ((Number) value).longValue();
            if (v != 0 && v < min) {
                throw new ConfigException(key, "invalid value '" + value + "', must be 0 or at least " + min);
            }
        }, () -> "0, or at least " + min);
    }

    /** Text with something in it. */
    static ConfigDef.Validator nonBlank(String what) {
        return ConfigDef.LambdaValidator.with((key, value) -> {
            if (value == null || value.toString().isBlank()) {
                throw new ConfigException(key, "is required (" + what + ")");
            }
        }, () -> what);
    }

    /** One of an enum's constants, case-insensitively, by the enum's lower-case names. */
    /** A host name or IP literal to bind: not blank, no whitespace (the bind itself checks the rest). */
    static ConfigDef.Validator bindAddress() {
        return ConfigDef.LambdaValidator.with((key, value) -> {
            if (value == null || value.toString().isBlank()) {
                throw new ConfigException(key, "is required (an address to bind)");
            }
            if (value.toString().chars().anyMatch(Character::isWhitespace)) {
                throw new ConfigException(key, "invalid value '" + value + "', expected an address such as 0.0.0.0 or 127.0.0.1");
            }
        }, () -> "an address such as 0.0.0.0 or 127.0.0.1");
    }

    static <E extends Enum<E>> ConfigDef.Validator oneOf(Class<E> type) {
        List<String> names = names(type);
        return ConfigDef.LambdaValidator.with((key, value) -> {
            if (value == null || !names.contains(value.toString().trim().toLowerCase(Locale.ROOT))) {
                throw new ConfigException(key, "invalid value '" + value + "', expected one of " + String.join(", ", names));
            }
        }, () -> String.join(", ", names));
    }

    static <E extends Enum<E>> E parse(Class<E> type, String value) {
        return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    }

    private static <E extends Enum<E>> List<String> names(Class<E> type) {
        return java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
    }

    private static void requireTopic(String key, String topic) {
        if (topic == null || topic.isBlank()) {
            throw new ConfigException(key, "is required");
        }
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new ConfigException(key, "invalid value '" + topic + "', not a legal Kafka topic name");
        }
    }
}
