package dev.kade.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.config.KadeConfig;
import dev.kade.kafka.EmbeddedKafka;
import dev.kade.testing.SharedKafka;
import dev.kade.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/operations.md: "a record that kills every replacement thread ends in ERROR after 3 deaths and the process
 * exits 1". A running {@code kade run} ({@link ScoringRun#run}, the code {@code RunCommand} returns the exit code of)
 * whose input topic is deleted under it: every stream thread, and every replacement, dies of the missing source
 * topic with no partition moving in between, so the crash-loop detector shuts Kafka Streams down in ERROR, and
 * the run must answer {@value ScoringRun#EXIT_STREAMS_ERROR} (not 0, which would leave a dead pod running).
 */
class ScoringRunCrashLoopIT {
    @RegisterExtension
    static final SharedKafka KAFKA = new SharedKafka();

    @Test
    void aCrashLoopEndsTheRunWithExitOne(@TempDir Path dir) throws Exception {
        EmbeddedKafka kafka = KAFKA.kafka();
        String in = SharedKafka.unique("loop-in");
        String alerts = SharedKafka.unique("loop-alerts");
        String dlq = SharedKafka.unique("loop-dlq");
        kafka.createTopics(1, in, alerts, dlq);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        KadeConfig config = KadeConfig.fromMap(Map.of(KadeConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                "application.id", SharedKafka.unique("loop"), KadeConfig.INPUT_TOPICS, in, "alert.topic", alerts,
                "dead.letter.topic", dlq, KadeConfig.MODEL_PATH, TestModels.writeModel(dir.resolve("m.onnx"), "v1").toString(),
                KadeConfig.METRICS_PORT, Integer.toString(port), KadeConfig.METRICS_BIND_ADDRESS, "127.0.0.1",
                "kafka.state.dir", dir.resolve("state").toString(),
                // a dead thread's member holds its place until its session ends: the broker's minimum keeps each cycle short
                "kafka.session.timeout.ms", "6000"));
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try (PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
            Future<Integer> exit = runner.submit(() -> ScoringRun.run(config, err));
            awaitReady(port, Duration.ofSeconds(90));
            kafka.admin().deleteTopics(List.of(in)).all().get(30, TimeUnit.SECONDS);
            int code = exit.get(180, TimeUnit.SECONDS);
            String said = errBytes.toString(StandardCharsets.UTF_8);
            assertThat(code).as("exit code after a crash loop; stderr: %s", said).isEqualTo(ScoringRun.EXIT_STREAMS_ERROR);
            assertThat(said).contains("Kafka Streams ended in ERROR");
        } finally {
            runner.shutdownNow();
            // ScoringRun took over TERM and INT for its stop request; give this test JVM its defaults back
            for (String name : new String[] {"TERM", "INT"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sun.misc.SignalHandler.SIG_DFL);
            }
        }
    }

    private static void awaitReady(int port, Duration within) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + within.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (java.io.IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("kade not ready within " + within + ": " + last);
    }
}
