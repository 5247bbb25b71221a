package dev.kade.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KadeLogConfiguratorTest {

    /** Configures a fresh Logback context from {@code env}, logs through it, returns what reached standard error. */
    private static String logWith(Map<String, String> env, java.util.function.Consumer<LoggerContext> logging) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // as Logback's own initialiser does
        try (PrintStream err = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setErr(err);
            KadeLogConfigurator c = new KadeLogConfigurator(env);
            c.setContext(context);
            c.configure(context);
            logging.accept(context);
        } finally {
            System.setErr(original);
            context.stop();
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonFormatWritesOneParsableObjectPerLineWithTheFormattedMessage() throws Exception {
        String out = logWith(Map.of("KADE_LOG_FORMAT", "json"), ctx -> {
            ctx.getLogger("dev.kade.app.ScoringApp").info("serving model {} ({} features)", "v7", 3);
            ctx.getLogger("dev.kade.app.ScoringApp").warn("failed", new IllegalStateException("boom"));
        });
        List<String> lines = out.lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("loggerName").asText()).isEqualTo("dev.kade.app.ScoringApp");
        assertThat(first.get("formattedMessage").asText()).isEqualTo("serving model v7 (3 features)");
        assertThat(first.get("timestamp").asLong()).isPositive();
        JsonNode second = new ObjectMapper().readTree(lines.get(1));
        assertThat(second.get("throwable").toString()).contains("IllegalStateException").contains("boom");
    }

    @Test
    void textIsTheDefaultWithDateTimeLevelAndLogger() {
        String out = logWith(Map.of(), ctx -> ctx.getLogger("dev.kade.X").info("hello"));
        assertThat(out).matches("(?s)\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}.* \\[.*] INFO X - hello\\R");
    }

    @Test
    void levelsComeFromTheEnvironmentAndKafkaIsQuietByDefault() {
        Level[] kafka = new Level[1];
        String out = logWith(Map.of("KADE_LOG_LEVEL", "warn", "KADE_LOG_LEVELS", "dev.kade.stream=DEBUG"), ctx -> {
            kafka[0] = ctx.getLogger("org.apache.kafka").getLevel();
            ctx.getLogger("dev.kade.cli.Main").info("not shown");
            ctx.getLogger("dev.kade.stream.X").debug("shown");
        });
        assertThat(out).contains("shown").doesNotContain("not shown");
        assertThat(kafka[0]).isEqualTo(Level.WARN);
    }

    /**
     * Issue 17 #10: about 100 NetworkClient WARNs in 30 s while the broker was down. kade's own signal (the
     * health monitor's WARN) still shows; the NetworkClient line comes back when asked for.
     */
    @Test
    void networkClientReconnectWarningsAreQuietButKadesBrokerSignalIsNot() {
        String out = logWith(Map.of(), ctx -> {
            ctx.getLogger(KadeLogConfigurator.NETWORK_CLIENT).warn("Connection to node -1 could not be established");
            ctx.getLogger("dev.kade.health.HealthMonitor").warn("health: broker not answering");
        });
        assertThat(out).contains("health: broker not answering").doesNotContain("could not be established");
        String asked = logWith(Map.of("KADE_LOG_LEVELS", KadeLogConfigurator.NETWORK_CLIENT + "=WARN"),
                ctx -> ctx.getLogger(KadeLogConfigurator.NETWORK_CLIENT).warn("Connection to node -1 could not be established"));
        assertThat(asked).contains("could not be established");
    }

    /** Issue 17 #10: Streams' GlobalThread handler WARN, four per start; only that line is dropped. */
    @Test
    void theGlobalThreadHandlerNoticeIsDroppedAndNothingElseFromStreamsConfig() {
        String out = logWith(Map.of(), ctx -> {
            ctx.getLogger("org.apache.kafka.streams.StreamsConfig").warn("Processing exception handler is not enabled for "
                    + "the GlobalThread. It's recommended to set `processing.exception.handler.global.enabled` to true");
            ctx.getLogger("org.apache.kafka.streams.StreamsConfig").warn("some other StreamsConfig warning");
        });
        assertThat(out).doesNotContain("GlobalThread").contains("some other StreamsConfig warning");
    }

    @Test
    void badValuesAreNamedAndReplacedByDefaults() {
        KadeLogConfigurator.LogSettings s = KadeLogConfigurator.LogSettings.from(Map.of("KADE_LOG_FORMAT", "xml",
                "KADE_LOG_LEVEL", "loud", "KADE_LOG_LEVELS", "noequals,a.b=DEBUG"));
        assertThat(s.json()).isFalse();
        assertThat(s.root()).isEqualTo(Level.INFO);
        assertThat(s.loggers()).containsEntry("a.b", Level.DEBUG).hasSize(1);
        assertThat(s.problems()).hasSize(3).anyMatch(p -> p.contains("KADE_LOG_FORMAT=xml"))
                .anyMatch(p -> p.contains("'loud'")).anyMatch(p -> p.contains("'noequals'"));
    }
}
