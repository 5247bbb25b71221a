package dev.kade.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kade.health.HealthStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves exactly three paths with the JDK's HTTP server: {@code GET /metrics} (Prometheus text),
 * {@code /health/live} and {@code /health/ready} (200 with a JSON body when healthy, else 503 with the
 * reasons). Any other path is 404.
 *
 * <p>Why the JDK server and how it is hardened: it adds no dependency to a lean image, and the three
 * answers are small. Its weakness is that a connection's request line and headers are read on a worker
 * thread with no read timeout, so one client that sends half a request and holds the socket blocks a
 * worker forever (with one worker, as before, it froze every probe). So:
 * <ul>
 *   <li>a pool of {@value #WORKERS} workers with a bounded queue (excess requests are refused, never
 *       queued without bound), so a stalled client holds at most one worker;</li>
 *   <li>the JDK server's own request and response timers ({@code sun.net.httpserver.maxReqTime} and
 *       {@code maxRspTime}, documented in the {@code jdk.httpserver} module), set here to
 *       {@value #REQUEST_TIMEOUT_S} s unless the JVM was started with other values: a connection that has
 *       not delivered its headers in that time is closed and its worker freed;</li>
 *   <li>exact path matching (the JDK server matches contexts by prefix, so the handler checks the path).</li>
 * </ul>
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json";
    static final int WORKERS = 4;
    static final int QUEUE = 64;
    static final long REQUEST_TIMEOUT_S = 5;

    static {
        // read once by sun.net.httpserver.ServerConfig when the first server class loads
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", Long.toString(REQUEST_TIMEOUT_S));
        System.getProperties().putIfAbsent("sun.net.httpserver.maxRspTime", Long.toString(REQUEST_TIMEOUT_S * 2));
        System.getProperties().putIfAbsent("sun.net.httpserver.timerMillis", "250");
    }

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving.
     *
     * @param bindAddress interface to bind: {@code 0.0.0.0} for all (Kubernetes probes and scrapes come from
     *                    outside the pod), {@code 127.0.0.1} for loopback only
     * @param port        port to bind; 0 picks a free one ({@link #port()} tells which)
     * @param scrape      produces the Prometheus exposition text
     * @param live        whether the process is alive (false only when it is wedged); must be cheap
     * @param ready       whether the application is ready, with reasons when not
     */
    public static MetricsServer start(String bindAddress, int port, Supplier<String> scrape,
                                      Supplier<HealthStatus> live, Supplier<HealthStatus> ready) throws IOException {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(scrape, "scrape");
        Objects.requireNonNull(live, "live");
        Objects.requireNonNull(ready, "ready");
        Map<String, Supplier<Answer>> routes = Map.of(
                "/metrics", () -> new Answer(200, PROMETHEUS_TEXT, scrape.get()),
                "/health/live", () -> health(live.get()),
                "/health/ready", () -> health(ready.get()));
        HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 64);
        server.createContext("/", ex -> {
            Supplier<Answer> route = routes.get(ex.getRequestURI().getPath());
            respond(ex, route == null
                    ? new Answer(404, "text/plain", "not found; try /metrics, /health/live or /health/ready\n")
                    : route.get());
        });
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(WORKERS, WORKERS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), r -> {
                    Thread t = new Thread(r, "kade-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        server.setExecutor(executor);
        server.start();
        LOG.info("metrics and health on http://{}:{}/metrics ({} workers, {} s request timeout)", bindAddress,
                server.getAddress().getPort(), WORKERS, System.getProperty("sun.net.httpserver.maxReqTime"));
        return new MetricsServer(server, executor);
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    private record Answer(int status, String contentType, String body) {
    }

    private static Answer health(HealthStatus s) {
        return new Answer(s.healthy() ? 200 : 503, JSON, s.toJson());
    }

    private static void respond(HttpExchange ex, Answer answer) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", answer.contentType());
            boolean head = "HEAD".equals(method);
            ex.sendResponseHeaders(answer.status(), head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("failed to answer {}: {}", ex.getRequestURI(), e.toString());
            throw e;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
