package dev.kade.fault;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code kade run --config FILE} as its own process, as a pod runs it, with its metrics port read from its log. */
final class KadeProcess implements AutoCloseable {
    private static final Pattern PORT = Pattern.compile("metrics and health on http://[^:]+:(\\d+)/metrics");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final ChildJvm jvm;
    private final int port;

    private KadeProcess(ChildJvm jvm, int port) {
        this.jvm = jvm;
        this.port = port;
    }

    /** Starts kade and returns once its HTTP server is up (not yet ready). */
    static KadeProcess start(Path log, Path config, String podName) throws IOException, InterruptedException {
        long from = java.nio.file.Files.exists(log) ? java.nio.file.Files.readString(log).length() : 0;
        ChildJvm jvm = ChildJvm.start(log, Map.of("POD_NAME", podName), "dev.kade.cli.Main",
                List.of("run", "--config", config.toString()));
        Matcher m = jvm.awaitLog(PORT, from, Duration.ofSeconds(90)).orElseThrow(() ->
                new IllegalStateException("kade did not start its HTTP server; see " + log));
        return new KadeProcess(jvm, Integer.parseInt(m.group(1)));
    }

    int port() {
        return port;
    }

    ChildJvm jvm() {
        return jvm;
    }

    /** An HTTP answer; status -1 when there was none within 3 s. */
    record Answer(int status, String body) {
    }

    Answer get(String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Answer(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(-1, e.toString());
        }
    }

    /** Polls {@code path} until it answers {@code status}; the time it took in ms, or -1 on timeout. */
    long awaitStatus(String path, int status, Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (get(path).status() == status) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            if (!jvm.alive()) {
                return -1;
            }
            Thread.sleep(100);
        }
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        jvm.close();
    }
}
