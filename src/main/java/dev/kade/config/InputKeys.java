package dev.kade.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/**
 * How input records are written ({@code input.format}) and, for Avro, the schema registry kade fetches writer
 * schemas from ({@code schema.registry.*}). A part of {@link KadeConfig#DEFINITION} kept apart like
 * {@link SeriesKeys}; each key is defined once, here. Why a registry outage dead-letters after bounded retries
 * instead of stalling: docs/input-formats.md.
 */
public final class InputKeys {
    public static final String INPUT_FORMAT = "input.format";
    public static final String REGISTRY_URL = "schema.registry.url";
    public static final String REGISTRY_USER_INFO = "schema.registry.basic.auth.user.info";
    public static final String REGISTRY_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String REGISTRY_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String REGISTRY_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String REGISTRY_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    public static final String REGISTRY_RETRIES = "schema.registry.retries";
    public static final String REGISTRY_RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";
    public static final String REGISTRY_COOLDOWN_MS = "schema.registry.failure.cooldown.ms";
    public static final String REGISTRY_CACHE_MAX = "schema.registry.cache.max.schemas";

    /** The values of {@value #INPUT_FORMAT}. */
    public static final String JSON = "json";
    public static final String AVRO = "avro";
    public static final String JSON_SCHEMA = "json_schema";
    public static final String PROTOBUF = "protobuf";

    private InputKeys() {
    }

    /** Adds the input-format settings to {@code def} (in documentation order) and returns it. */
    static ConfigDef define(ConfigDef def) {
        return def
                .define(INPUT_FORMAT, Type.STRING, JSON, ConfigDef.ValidString.in(JSON, AVRO, PROTOBUF, JSON_SCHEMA), HIGH,
                        "How input values are written: json (a JSON object); avro (Avro binary in the schema-registry "
                                + "wire format: magic byte 0, 4-byte schema id, payload; writer schemas fetched by id from "
                                + "schema.registry.url), scored as the JSON it maps to; protobuf (Protobuf in Confluent's wire format: the "
                                + "same header, a message-index array, the payload; .proto files fetched by id the same way); json_schema (a JSON object after the "
                                + "same 5-byte header, as JSON Schema serializers write it). See docs/input-formats.md.")
                .define(REGISTRY_URL, Type.STRING, "", null, HIGH,
                        "With input.format=avro or protobuf (required then): base URL of a Confluent-compatible registry API, "
                                + "e.g. http://registry:8081 or Apicurio's http://registry:8080/apis/ccompat/v7.")
                .define(REGISTRY_USER_INFO, Type.PASSWORD, null, null, MEDIUM,
                        "user:password for the registry's HTTP basic authentication; unset: none.")
                .define(REGISTRY_TRUSTSTORE_LOCATION, Type.STRING, "", null, MEDIUM,
                        "Trust store for an https registry URL; unset: the JVM's default trust.")
                .define(REGISTRY_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, null, MEDIUM,
                        "Password of schema.registry.ssl.truststore.location.")
                .define(REGISTRY_TRUSTSTORE_TYPE, Type.STRING, "PKCS12", ConfigDef.ValidString.in("PKCS12", "JKS"), LOW,
                        "Type of schema.registry.ssl.truststore.location.")
                .define(REGISTRY_TIMEOUT_MS, Type.INT, 2_000, Range.between(100, 30_000), LOW,
                        "Bound on one registry request (connect and answer). With the retries and backoffs, one lookup "
                                + "may hold the stream thread at most half of transaction.timeout.ms (10 s under "
                                + "exactly_once_v2) or of max.poll.interval.ms (at_least_once); start-up refuses more.")
                .define(REGISTRY_RETRIES, Type.INT, 1, Range.between(0, 3), LOW,
                        "Retries of a registry request that failed for an outage (no answer, timeout, 5xx, 401/403), "
                                + "with backoff, before the record is dead-lettered as schema_unavailable.")
                .define(REGISTRY_RETRY_BACKOFF_MS, Type.INT, 200, Range.between(0, 5_000), LOW,
                        "Wait before the first retry; doubled before each next one.")
                .define(REGISTRY_COOLDOWN_MS, Type.INT, 30_000, Range.between(0, 600_000), MEDIUM,
                        "After a schema id failed (outage or unknown id), how long records with that id are "
                                + "dead-lettered at once without asking the registry again, so an outage never holds "
                                + "the stream thread per record.")
                .define(REGISTRY_CACHE_MAX, Type.INT, 1_000, Range.between(1, 1_000_000), LOW,
                        "Schemas kept in memory (least recently used evicted); a schema id never changes its schema.");
    }

    /** The cross-setting check: Avro and Protobuf input need a registry. Called by {@link KadeConfig} at construction. */
    static void check(Map<String, Object> values) {
        Object format = values.get(INPUT_FORMAT);
        if ((AVRO.equals(format) || PROTOBUF.equals(format)) && String.valueOf(values.get(REGISTRY_URL)).isBlank()) {
            throw new ConfigException(REGISTRY_URL, "is required with " + INPUT_FORMAT + "=" + format
                    + " (the registry kade fetches writer schemas from)");
        }
        Object url = values.get(REGISTRY_URL);
        if (url != null && !url.toString().isBlank()) {
            String u = url.toString().trim();
            if (!(u.startsWith("http://") || u.startsWith("https://"))) {
                throw new ConfigException(REGISTRY_URL, "invalid value '" + u + "', expected an http:// or https:// URL");
            }
            try {
                java.net.URI.create(u);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(REGISTRY_URL, "invalid value '" + u + "': " + e.getMessage());
            }
        }
        Object user = values.get(REGISTRY_USER_INFO);
        if (user instanceof Password p && !p.value().contains(":")) {
            throw new ConfigException(REGISTRY_USER_INFO, "must be user:password");
        }
    }

    /** A password setting's value, or null when unset. */
    static String secret(Map<String, Object> values, String key) {
        Object v = values.get(key);
        return v instanceof Password p ? p.value() : null;
    }
}
