package dev.kade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kade.kafka.EmbeddedKafka;
import dev.kade.testing.SharedKafka;
import dev.kade.testing.TestModels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code kade run} as its own process: settings from file + environment, readiness, SIGTERM, exit codes. */
class RunCommandIT {
    @RegisterExtension
    static final SharedKafka KAFKA = new SharedKafka();

    private static Process launch(Path dir, List<String> args, java.util.Map<String, String> env) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.kade.cli.Main", "run"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    @Test
    void badSettingExitsTwoNamingTheKey(@TempDir Path dir) throws Exception {
        Process p = launch(dir, List.of("--bootstrap-servers", "x:9092", "--input-topics", "in", "--model", "/m.onnx"),
                java.util.Map.of("KADE_METRICS_PORT", "ninety"));
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("out.log"))).contains("metrics.port").contains("ninety");
    }

    @Test
    void runsFromFileAndEnvironmentBecomesReadyAndStopsGracefullyOnSigterm(@TempDir Path dir) throws Exception {
        EmbeddedKafka kafka = KAFKA.kafka();
        String in = SharedKafka.unique("cli-in");
        String alerts = SharedKafka.unique("cli-alerts");
        String deadLetters = SharedKafka.unique("cli-dlq");
        kafka.createTopics(1, in, alerts, deadLetters);
        Path model = TestModels.writeModel(dir.resolve("model.onnx"), "cli-v1");
        Path config = dir.resolve("kade.properties");
        Files.writeString(config, "input.topics=" + in + "\nalert.topic=" + alerts + "\ndead.letter.topic=" + deadLetters
                + "\nmodel.path=" + model + "\napplication.id=" + SharedKafka.unique("cli") + "\n"
                + "metrics.port=0\nshutdown.timeout.ms=10000\nkafka.state.dir=" + dir.resolve("state") + "\n");
        Process p = launch(dir, List.of("--config", config.toString()),
                java.util.Map.of("KADE_BOOTSTRAP_SERVERS", kafka.bootstrapServers()));
        try {
            Pattern port = Pattern.compile("metrics and health on http://0\\.0\\.0\\.0:(\\d+)/metrics");
            int[] metricsPort = {0};
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                Matcher m = port.matcher(Files.readString(dir.resolve("out.log")));
                if (m.find()) {
                    metricsPort[0] = Integer.parseInt(m.group(1));
                }
                return metricsPort[0] > 0;
            });
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(60)).until(() -> http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort[0] + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200);

            long t0 = System.nanoTime();
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stopped within the bound").isTrue();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(p.exitValue()).as("SIGTERM is a graceful stop: exit 0, not 143").isZero();
            String log = Files.readString(dir.resolve("out.log"));
            assertThat(log).contains("serving model cli-v1").contains("SIGTERM received").contains("Kafka Streams closed cleanly")
                    .contains("kade scorer stopped");
            assertThat(ms).isLessThan(15_000);
        } finally {
            p.destroyForcibly();
        }
    }
}
