package dev.kade.input;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to ask a schema registry for schemas ({@code schema.registry.*}).
 *
 * @param url                base URL of a Confluent-compatible API; {@code /schemas/ids/{id}} is appended
 * @param userInfo           {@code user:password} for HTTP basic authentication, or null
 * @param truststore         trust store for https, or null for the JVM's default trust
 * @param truststorePassword its password, or null
 * @param truststoreType     PKCS12 or JKS
 * @param timeout            bound on one request
 * @param retries            retries of a request that failed for an outage
 * @param backoff            wait before the first retry, doubled before each next one
 * @param cooldown           how long a failed id is answered from memory (dead-lettered at once)
 * @param cacheMax           schemas kept in memory
 */
public record RegistrySettings(URI url, String userInfo, Path truststore, String truststorePassword, String truststoreType,
                               Duration timeout, int retries, Duration backoff, Duration cooldown, int cacheMax) {
    public RegistrySettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(cooldown, "cooldown");
        Objects.requireNonNull(truststoreType, "truststoreType");
        if (retries < 0 || cacheMax < 1) {
            throw new IllegalArgumentException("retries must be >= 0 and cacheMax >= 1");
        }
    }

    /** A registry at {@code url} with the settings' defaults (tests, examples). */
    public static RegistrySettings of(URI url) {
        return new RegistrySettings(url, null, null, null, "PKCS12", Duration.ofSeconds(2), 1, Duration.ofMillis(200),
                Duration.ofSeconds(30), 1000);
    }

    /** These settings with basic authentication as {@code userInfo} ({@code user:password}, or null for none). */
    public RegistrySettings withUserInfo(String info) {
        return new RegistrySettings(url, info, truststore, truststorePassword, truststoreType, timeout, retries, backoff,
                cooldown, cacheMax);
    }

    /** The longest one lookup may hold a stream thread: every attempt timing out, with the backoffs between. */
    public Duration worstCase() {
        Duration waits = Duration.ZERO;
        for (int k = 0; k < retries; k++) {
            waits = waits.plus(backoff.multipliedBy(1L << k));
        }
        return timeout.multipliedBy(retries + 1L).plus(waits);
    }
}
