package dev.kade.config;

import java.util.Set;

/**
 * The {@code KADE_*} environment variables that set up logging. They are not settings: logging is configured
 * from them (by {@code dev.kade.logging.KadeLogConfigurator}) before any setting is read, and
 * {@link KadeConfig} skips them when it maps the environment onto settings. Named here, in the leaf package
 * both read, so that neither depends on the other.
 */
public final class LoggingVariables {
    /** {@code text} (default) or {@code json}. */
    public static final String FORMAT = "KADE_LOG_FORMAT";
    /** The root level, e.g. {@code DEBUG}. */
    public static final String LEVEL = "KADE_LOG_LEVEL";
    /** Levels per logger, e.g. {@code org.apache.kafka=INFO,dev.kade.stream=DEBUG}. */
    public static final String LEVELS = "KADE_LOG_LEVELS";
    /** All three. */
    public static final Set<String> ALL = Set.of(FORMAT, LEVEL, LEVELS);

    private LoggingVariables() {
    }
}
