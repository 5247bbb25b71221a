package dev.kade.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for a schema registry's HTTP API, NOT a registry: no schema registry can run here (Confluent's does
 * not resolve from Maven Central, and Apicurio's registry is a Quarkus application this build does not start), so
 * tests serve the one endpoint kade calls, {@code GET /schemas/ids/{id}}, with the responses Confluent's API
 * reference documents: 200 {@code {"schema": "...", "schemaType": ...}} (schemaType left out for Avro, as Confluent
 * does), 404 {@code {"error_code": 40403, "message": "Schema not found"}}, and 401 without the expected basic
 * credentials. {@link #down(boolean)} makes it answer 503 (an outage that still accepts connections); {@link #close()}
 * makes it refuse connections. Counts the schema requests it was sent.
 */
public final class RegistryStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<Integer, Map<String, String>> schemas = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile boolean down;
    private volatile String expectedAuthorization;

    public RegistryStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base URL to set as {@code schema.registry.url}. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Registers an Avro schema under {@code id}. */
    public RegistryStandIn avro(int id, String schema) {
        schemas.put(id, Map.of("schema", schema));
        return this;
    }

    /** Registers a schema of another type ({@code PROTOBUF}, {@code JSON}) under {@code id}. */
    public RegistryStandIn other(int id, String type, String schema) {
        schemas.put(id, Map.of("schema", schema, "schemaType", type));
        return this;
    }

    /** Answers 503 to everything while true. */
    public void down(boolean isDown) {
        down = isDown;
    }

    /** Requires HTTP basic authentication as {@code user:password}. */
    public void requireBasicAuth(String userInfo) {
        expectedAuthorization = "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    /** Schema requests received so far. */
    public int requests() {
        return requests.get();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getPath();
            if (!path.startsWith("/schemas/ids/")) {
                send(x, 404, Map.of("error_code", 404, "message", "HTTP 404 Not Found"));
                return;
            }
            requests.incrementAndGet();
            if (down) {
                send(x, 503, Map.of("error_code", 50003, "message", "Error while forwarding the request to the leader"));
                return;
            }
            String auth = expectedAuthorization;
            if (auth != null && !auth.equals(x.getRequestHeaders().getFirst("Authorization"))) {
                send(x, 401, Map.of("error_code", 401, "message", "Unauthorized"));
                return;
            }
            int id = Integer.parseInt(path.substring("/schemas/ids/".length()));
            Map<String, String> s = schemas.get(id);
            if (s == null) {
                send(x, 404, Map.of("error_code", 40403, "message", "Schema " + id + " not found"));
            } else {
                send(x, 200, s);
            }
        }
    }

    private static void send(HttpExchange x, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        x.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
