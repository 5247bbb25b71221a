package dev.kade.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.config.KadeConfig;
import dev.kade.testing.ShuttleModels;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 #10: {@code /health} answered nothing for the first 10 s of {@code kade run} while the topic check
 * waited on the broker, so a liveness probe saw a dead pod. Now the server answers first: live 200, ready
 * 503 saying what kade waits for. No broker: 127.0.0.1:1 refuses, so the check takes its whole timeout.
 */
class ScoringAppStartHealthTest {
    @TempDir
    Path dir;

    @Test
    void healthAnswersLiveAndNotReadyWhileTheTopicCheckRuns() throws Exception {
        Path model = ShuttleModels.write(dir.resolve("model.onnx"), ShuttleModels.ae());
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        KadeConfig config = KadeConfig.fromMap(Map.of(KadeConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1",
                KadeConfig.INPUT_TOPICS, "in", KadeConfig.MODEL_PATH, model.toString(),
                KadeConfig.METRICS_PORT, Integer.toString(port), KadeConfig.METRICS_BIND_ADDRESS, "127.0.0.1"));
        ExecutorService starter = Executors.newSingleThreadExecutor();
        try {
            Future<ScoringApp> starting = starter.submit(() -> ScoringApp.startPreparingTopics(config));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            // the server starts after the model load (slow on a busy machine); the check then runs for its whole
            // timeout after the server listens, so the first answer comes well inside it
            HttpResponse<String> live = get(http, port, "/health/live", Duration.ofSeconds(60));
            HttpResponse<String> ready = get(http, port, "/health/ready", Duration.ofSeconds(1));
            assertThat(starting.isDone()).as("the topic check is still running").isFalse();
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("checking kade's topics on 127.0.0.1:1");
            try (ScoringApp app = starting.get(60, TimeUnit.SECONDS)) {
                // a broker that does not answer is no reason to refuse: Streams retries, ready says why
                assertThat(app.startFailure()).isEmpty();
                assertThat(app.readiness().reasons()).noneMatch(r -> r.contains("checking kade's topics"));
            }
        } finally {
            starter.shutdownNow();
        }
    }

    /** Polls until the server answers (connection refused until it listens) or {@code within} passes. */
    private static HttpResponse<String> get(HttpClient http, int port, String path, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(1)).build();
        while (true) {
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(path + " did not answer within " + within, notYet);
                }
                Thread.sleep(100);
            }
        }
    }
}
