package dev.kade.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import dev.kade.config.LoggingVariables;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * kade's logging, set up by Logback through {@link java.util.ServiceLoader} before the first log line: one
 * console appender on standard error, plain text by default or one JSON object per line with
 * {@code KADE_LOG_FORMAT=json} (Logback's own {@link JsonEncoder}: timestamp, level, thread, logger, message,
 * MDC, key-value pairs, throwable), for log pipelines that parse fields instead of lines.
 *
 * <p>Levels: {@code KADE_LOG_LEVEL} for the root (default INFO) and {@code KADE_LOG_LEVELS} for single loggers,
 * e.g. {@code org.apache.kafka=INFO,dev.kade.stream=DEBUG}. Kafka's own loggers default to WARN: at INFO they
 * print every config they were given, hundreds of lines per start. Whoever sets
 * {@code -Dlogback.configurationFile=...} gets that file instead, as Logback documents.
 */
public final class KadeLogConfigurator extends ContextAwareBase implements Configurator {
    public static final String FORMAT_VARIABLE = LoggingVariables.FORMAT;
    public static final String LEVEL_VARIABLE = LoggingVariables.LEVEL;
    public static final String LEVELS_VARIABLE = LoggingVariables.LEVELS;
    /** Local date and time (the container's TZ, usually UTC), thread, level, short logger name, message. */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS} [%thread] %level %logger{0} - %msg%n";
    /** Kafka's client networking logger, which warns at every failed reconnect. */
    static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";
    /**
     * Loggers quieter than the root unless KADE_LOG_LEVELS says otherwise. Kafka's {@code NetworkClient} is at
     * ERROR: while the broker is away every client kade runs (stream threads' consumers and producers, the
     * restore consumer, the health and topic admin clients) warns at each reconnect attempt, about 100 lines in
     * 30 s that say one thing. kade says it once and keeps saying it where it is read: a {@code health:} WARN
     * when the broker stops answering, {@code kade_broker_reachable 0}, and {@code /health/ready} 503 naming
     * the broker. {@code KADE_LOG_LEVELS=org.apache.kafka.clients.NetworkClient=WARN} brings the lines back.
     */
    static final Map<String, Level> DEFAULTS = Map.of("org.apache.kafka", Level.WARN, "kafka", Level.WARN,
            "state.change.logger", Level.WARN, NETWORK_CLIENT, Level.ERROR);

    /** Where the variables come from; tests replace it. */
    private final Map<String, String> env;

    public KadeLogConfigurator() {
        this(System.getenv());
    }

    KadeLogConfigurator(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LogSettings settings = LogSettings.from(env);
        settings.problems().forEach(p -> System.err.println("kade: " + p));

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setTarget("System.err");
        console.setEncoder(settings.json() ? json(context) : text(context));
        console.start();

        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(settings.root());
        root.addAppender(console);
        Map<String, Level> levels = new LinkedHashMap<>(DEFAULTS);
        levels.putAll(settings.loggers());
        levels.forEach((name, level) -> context.getLogger(name).setLevel(level));
        GlobalThreadHandlerNotice notice = new GlobalThreadHandlerNotice();
        notice.setContext(context);
        notice.start();
        context.addTurboFilter(notice);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * Drops exactly one Kafka Streams line: "Processing exception handler is not enabled for the GlobalThread".
     * kade sets {@code processing.exception.handler.global.enabled=true} (it has no global store, so that changes
     * nothing it runs), but Streams also builds configs of its own from client settings that cannot carry the
     * key, and warns on each: four lines per start that ask the operator for something already done.
     */
    static final class GlobalThreadHandlerNotice extends ch.qos.logback.classic.turbo.TurboFilter {
        static final String LOGGER = "org.apache.kafka.streams.StreamsConfig";
        static final String PREFIX = "Processing exception handler is not enabled for the GlobalThread";

        @Override
        public ch.qos.logback.core.spi.FilterReply decide(org.slf4j.Marker marker, ch.qos.logback.classic.Logger logger,
                                                          Level level, String format, Object[] params, Throwable t) {
            return format != null && level == Level.WARN && LOGGER.equals(logger.getName()) && format.startsWith(PREFIX)
                    ? ch.qos.logback.core.spi.FilterReply.DENY : ch.qos.logback.core.spi.FilterReply.NEUTRAL;
        }
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(context);
        e.setPattern(TEXT_PATTERN);
        e.start();
        return e;
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        JsonEncoder e = new JsonEncoder();
        e.setContext(context);
        e.setWithSequenceNumber(false);
        e.setWithNanoseconds(false);
        e.setWithContext(false);
        e.setWithArguments(false);
        e.setWithMessage(false);
        e.setWithFormattedMessage(true);
        e.start();
        return e;
    }

    /**
     * The logging settings from the environment, parsed once; a bad value is reported and replaced by the
     * default instead of stopping the program (logging starts before kade's configuration is read).
     */
    record LogSettings(boolean json, Level root, Map<String, Level> loggers, java.util.List<String> problems) {
        static LogSettings from(Map<String, String> env) {
            java.util.List<String> problems = new java.util.ArrayList<>();
            String format = env.getOrDefault(FORMAT_VARIABLE, "text").trim().toLowerCase(Locale.ROOT);
            if (!format.equals("text") && !format.equals("json")) {
                problems.add(FORMAT_VARIABLE + "=" + format + " is not text or json; logging as text");
            }
            Level root = level(env.getOrDefault(LEVEL_VARIABLE, "INFO"), LEVEL_VARIABLE, problems);
            Map<String, Level> loggers = new LinkedHashMap<>();
            String list = env.getOrDefault(LEVELS_VARIABLE, "");
            for (String item : list.split(",")) {
                if (item.isBlank()) {
                    continue;
                }
                int eq = item.indexOf('=');
                if (eq <= 0) {
                    problems.add(LEVELS_VARIABLE + ": '" + item.trim() + "' is not logger=LEVEL; ignored");
                    continue;
                }
                Level l = level(item.substring(eq + 1), LEVELS_VARIABLE, problems);
                loggers.put(item.substring(0, eq).trim(), l);
            }
            return new LogSettings(format.equals("json"), root, Map.copyOf(loggers), java.util.List.copyOf(problems));
        }

        private static Level level(String text, String variable, java.util.List<String> problems) {
            String t = text.trim().toUpperCase(Locale.ROOT);
            Level l = Level.toLevel(t, null);
            if (l == null) {
                problems.add(variable + ": '" + text.trim() + "' is not TRACE, DEBUG, INFO, WARN, ERROR or OFF; using INFO");
                return Level.INFO;
            }
            return l;
        }
    }
}
