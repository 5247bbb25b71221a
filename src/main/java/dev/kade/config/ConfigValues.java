package dev.kade.config;

import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * One kade setting's text turned into its typed value by its {@link ConfigDef} entry (type, default,
 * validator), with kade's messages: the key first, then the value and what was expected.
 */
final class ConfigValues {
    private static final Pattern KAFKA_MESSAGE = Pattern.compile("Invalid value .* for configuration [^\\s:]+:?\\s*");

    private ConfigValues() {
    }

    /** The value of {@code key} given {@code raw} (null or blank: its default, or "is required"). */
    static Object parse(ConfigDef.ConfigKey key, String raw) {
        boolean absent = raw == null || raw.isBlank();
        Object value;
        if (absent) {
            if (!key.hasDefault()) {
                if (key.validator != null) {
                    key.validator.ensureValid(key.name, null);
                }
                throw new ConfigException(key.name, "is required");
            }
            value = key.defaultValue;
        } else {
            try {
                value = ConfigDef.parseType(key.name, raw.trim(), key.type);
            } catch (org.apache.kafka.common.config.ConfigException e) {
                throw new ConfigException(key.name, "invalid value '" + raw + "', expected " + typeName(key.type));
            }
        }
        if (key.validator != null && value != null) {
            try {
                key.validator.ensureValid(key.name, value);
            } catch (org.apache.kafka.common.config.ConfigException e) {
                String why = KAFKA_MESSAGE.matcher(String.valueOf(e.getMessage())).replaceFirst("");
                throw new ConfigException(key.name, "invalid value '" + raw + "', " + lowerFirst(why));
            }
        }
        return value;
    }

    private static String typeName(Type type) {
        return switch (type) {
            case INT, LONG, SHORT -> "an integer";
            case BOOLEAN -> "true or false";
            case DOUBLE -> "a number";
            case LIST -> "a comma-separated list";
            default -> type.name().toLowerCase(Locale.ROOT);
        };
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
