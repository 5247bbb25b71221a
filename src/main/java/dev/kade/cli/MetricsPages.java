package dev.kade.cli;

import dev.kade.drift.ShadowEvidence;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code /metrics} pages of the running kade instances a promotion is judged on and waits for: one URL per
 * instance (each has its own shadow window). Read-only: kade's HTTP server has no endpoint that changes anything.
 */
final class MetricsPages {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final List<URI> urls;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    MetricsPages(List<URI> urls) {
        this.urls = List.copyOf(Objects.requireNonNull(urls, "urls"));
    }

    List<URI> urls() {
        return urls;
    }

    /** What {@code url} says now. */
    ShadowEvidence read(URI url) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted reading " + url, e);
        }
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered HTTP " + response.statusCode());
        }
        try {
            return ShadowEvidence.parse(response.body());
        } catch (IllegalArgumentException e) {
            throw new IOException(url + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits until every instance serves {@code version}; the URLs that do not, empty when all do. An instance that
     * refuses the file keeps its model, so a refusal shows here as a timeout.
     */
    List<URI> awaitServing(String version, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<URI> behind = urls.stream().filter(u -> !serves(u, version)).toList();
            if (behind.isEmpty() || System.nanoTime() - deadline >= 0) {
                return behind;
            }
            Thread.sleep(200);
        }
    }

    private boolean serves(URI url, String version) {
        try {
            return read(url).servingVersion().equals(version);
        } catch (IOException e) {
            return false;
        }
    }
}
