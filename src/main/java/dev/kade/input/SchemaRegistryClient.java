package dev.kade.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One request of a Confluent-compatible schema registry's REST API: {@code GET {url}/schemas/ids/{id}}, whose
 * answer is {@code {"schema": "<schema text>", "schemaType": "AVRO"}} ({@code schemaType} absent meaning Avro).
 * Confluent Schema Registry and Karapace serve it at their root, Apicurio Registry under
 * {@code /apis/ccompat/v7}. Basic authentication and a trust store as {@link RegistrySettings} say; every request
 * is bounded by {@link RegistrySettings#timeout()}. No retry here: {@link SchemaSource} decides.
 *
 * <p>Thread-safe (the JDK's {@link HttpClient} is).
 */
public final class SchemaRegistryClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The registry's answer for an id: the schema text and its type (AVRO, PROTOBUF, JSON). */
    public record RegisteredSchema(String schema, String type) {
    }

    private final RegistrySettings settings;
    private final HttpClient http;
    private final String authorization;

    public SchemaRegistryClient(RegistrySettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NORMAL);
        if (settings.truststore() != null) {
            b.sslContext(sslContext(settings));
        }
        this.http = b.build();
        this.authorization = settings.userInfo() == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(settings.userInfo().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The schema registered under {@code id}.
     *
     * @throws DecodeException {@link InputError#UNKNOWN_SCHEMA} for a 404, {@link InputError#SCHEMA_UNAVAILABLE}
     *                         for anything else that is not a usable answer
     */
    public RegisteredSchema fetch(int id) throws DecodeException {
        String base = settings.url().toString();
        URI uri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/schemas/ids/"
                + Integer.toUnsignedString(id));
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(settings.timeout())
                .header("Accept", "application/vnd.schemaregistry.v1+json, application/json").GET();
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        HttpResponse<byte[]> r;
        try {
            r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new DecodeException(InputError.SCHEMA_UNAVAILABLE, "registry " + base + " did not answer for schema "
                    + id + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DecodeException(InputError.SCHEMA_UNAVAILABLE, "interrupted asking " + base + " for schema " + id);
        }
        if (r.statusCode() == 404) {
            throw new DecodeException(InputError.UNKNOWN_SCHEMA, "registry " + base + " has no schema " + id + " (404"
                    + errorCode(r.body()) + ")");
        }
        if (r.statusCode() != 200) {
            throw new DecodeException(InputError.SCHEMA_UNAVAILABLE, "registry " + base + " answered " + r.statusCode()
                    + errorCode(r.body()) + " for schema " + id);
        }
        try {
            JsonNode body = JSON.readTree(r.body());
            JsonNode schema = body == null ? null : body.get("schema");
            if (schema == null || !schema.isTextual()) {
                throw new DecodeException(InputError.SCHEMA_UNAVAILABLE, "registry " + base + " answered schema " + id
                        + " without a \"schema\" text");
            }
            JsonNode type = body.get("schemaType");
            return new RegisteredSchema(schema.asText(), type == null || type.isNull() ? "AVRO" : type.asText());
        } catch (IOException e) {
            throw new DecodeException(InputError.SCHEMA_UNAVAILABLE, "registry " + base + " answered schema " + id
                    + " with something that is not JSON");
        }
    }

    /** The registry's own {@code error_code}, when its body has one (40403: schema not found). */
    private static String errorCode(byte[] body) {
        try {
            JsonNode n = JSON.readTree(body);
            return n != null && n.has("error_code") ? ", error_code " + n.get("error_code").asText() : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static SSLContext sslContext(RegistrySettings s) {
        try (InputStream in = Files.newInputStream(s.truststore())) {
            KeyStore ks = KeyStore.getInstance(s.truststoreType());
            ks.load(in, s.truststorePassword() == null ? null : s.truststorePassword().toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the registry trust store " + s.truststore() + ": " + e.getMessage(), e);
        }
    }
}
