package dev.kade.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.health.HealthStatus;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicReference<HealthStatus> ready = new AtomicReference<>(
            HealthStatus.failing("partition in-3 made no progress for 64 s"));

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET()
                .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private MetricsServer start() throws Exception {
        return MetricsServer.start("127.0.0.1", 0, () -> "# HELP kade_ready r\nkade_ready 1.0\n", HealthStatus::ok, ready::get);
    }

    @Test
    void servesMetricsLivenessAndReadinessWithReasons() throws Exception {
        try (MetricsServer server = start()) {
            int port = server.port();
            HttpResponse<String> metrics = get(port, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            assertThat(metrics.body()).contains("kade_ready 1.0");
            assertThat(get(port, "/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> notReady = get(port, "/health/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).isEqualTo("{\"status\":\"DOWN\",\"reasons\":[\"partition in-3 made no progress for 64 s\"]}\n");
            ready.set(HealthStatus.ok());
            HttpResponse<String> isReady = get(port, "/health/ready");
            assertThat(isReady.statusCode()).isEqualTo(200);
            assertThat(isReady.body()).contains("\"UP\"");
        }
    }

    @Test
    void matchesPathsExactly() throws Exception {
        try (MetricsServer server = start()) {
            for (String path : List.of("/", "/nope", "/metricsX", "/metrics/x", "/health", "/health/live/x", "/health/readyz")) {
                assertThat(get(server.port(), path).statusCode()).as(path).isEqualTo(404);
            }
            assertThat(get(server.port(), "/metrics?name=x").statusCode()).as("a query string is not a path").isEqualTo(200);
        }
    }

    @Test
    void stalledClientsDoNotDelayProbesAndAreDisconnected() throws Exception {
        try (MetricsServer server = start()) {
            List<Socket> stalled = new ArrayList<>();
            try {
                // as many half-sent requests as there are workers, plus one: each holds a worker while it reads
                for (int i = 0; i <= MetricsServer.WORKERS; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
                    OutputStream out = s.getOutputStream();
                    out.write("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    stalled.add(s);
                    if (i == 0) {
                        Thread.sleep(200);
                        // one stalled client: the others answer at once (the 3 s request timeout would fail this)
                        assertThat(get(server.port(), "/health/live").statusCode()).isEqualTo(200);
                    }
                }
                // all workers held: the server's request timer frees them, and probes answer again
                HttpResponse<String> live = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/health/live")).timeout(Duration.ofSeconds(MetricsServer.REQUEST_TIMEOUT_S * 4)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(live.statusCode()).isEqualTo(200);
                // and the stalled connections were closed by the server, not left to hold a worker
                for (Socket s : stalled) {
                    s.setSoTimeout((int) (MetricsServer.REQUEST_TIMEOUT_S * 4000));
                    InputStream in = s.getInputStream();
                    assertThat(in.readAllBytes()).as("nothing but the close").isEmpty();
                }
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
        }
    }

    @Test
    void bindsTheConfiguredAddress() throws Exception {
        try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, () -> "", HealthStatus::ok, HealthStatus::ok)) {
            assertThat(get(server.port(), "/health/live").statusCode()).isEqualTo(200);
        }
    }
}
