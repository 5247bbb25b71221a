package dev.kade.config;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Renders {@link KadeConfig#DEFINITION} as the README's settings table, so that the documentation cannot
 * drift from the code: a test compares the README with {@link #markdownTable()}.
 */
public final class ConfigDocumentation {
    /** Marks the start of the generated table in the README. */
    public static final String BEGIN = "<!-- settings table: generated from KadeConfig.DEFINITION; do not edit by hand -->";
    /** Marks its end. */
    public static final String END = "<!-- end of settings table -->";

    private ConfigDocumentation() {
    }

    /** One row per setting: key, environment variable, default, valid values, description. */
    public static String markdownTable() {
        StringBuilder b = new StringBuilder();
        b.append("| key | environment variable | default | valid values | description |\n");
        b.append("|---|---|---|---|---|\n");
        for (ConfigDef.ConfigKey key : KadeConfig.DEFINITION.configKeys().values()) {
            b.append("| `").append(key.name).append("` | `").append(KadeConfig.environmentVariable(key.name))
                    .append("` | ").append(defaultText(key)).append(" | ")
                    .append(key.validator == null ? typeText(key.type) : validValues(key.validator))
                    .append(" | ").append(key.documentation.replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }

    private static String defaultText(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "required";
        }
        Object d = key.defaultValue;
        if (d == null) {
            return "(unset)";
        }
        if (d instanceof List<?> l) {
            return l.isEmpty() ? "(none)" : "`" + l.stream().map(String::valueOf).collect(Collectors.joining(",")) + "`";
        }
        return "`" + d + "`";
    }

    /** Kafka's Range prints as {@code [1,...,10000]}; the README reads better as "1 to 10000". */
    private static String validValues(ConfigDef.Validator validator) {
        return validator.toString().replaceAll("^\\[(-?\\d+),\\.\\.\\.,(-?\\d+)]$", "$1 to $2")
                .replaceAll("^\\[(-?\\d+),\\.\\.\\.]$", "at least $1");
    }

    private static String typeText(ConfigDef.Type type) {
        return switch (type) {
            case BOOLEAN -> "true, false";
            case LIST -> "comma-separated list";
            default -> type.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
