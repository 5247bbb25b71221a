package dev.kade.input;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writer schemas by id, parsed into {@code T} (an Avro {@code Schema}, a {@link ProtobufSchemaFile}): a bounded
 * least-recently-used cache in front of the registry, bounded retries for an outage, and a memory of failures so that an outage never holds a stream thread per record.
 *
 * <p>The policy (docs/input-formats.md "When the registry fails"): a schema id's schema never changes, so a
 * schema once fetched is kept until evicted. A lookup that misses asks the registry, retrying an outage
 * ({@link InputError#SCHEMA_UNAVAILABLE}) {@code retries} times with doubling backoff; it never waits longer than
 * {@link RegistrySettings#worstCase()}, which start-up holds to half of the producer's
 * {@code transaction.timeout.ms} under exactly-once (a longer block would let the broker abort the open
 * transaction) or of {@code max.poll.interval.ms}. When it still fails, the
 * record is dead-lettered (its original bytes kept, so it can be replayed once the registry is back: nothing is
 * lost) and the failure is remembered for {@code cooldown}: records with that id in the meantime are dead-lettered
 * at once with the same reason. An unknown id (404) is remembered the same way. Stalling the partition until the
 * registry returns was rejected: one registry outage would stop all scoring, and a wrong id in one record would
 * stop its partition forever.
 *
 * <p>Thread-safe: stream threads share one source. A miss is fetched outside the lock (two threads may fetch the
 * same id once each; both get the same schema).
 */
public final class RegistrySchemas<T> {
    private static final Logger LOG = LoggerFactory.getLogger(RegistrySchemas.class);

    /** What {@link RegistrySchemas} asks; the registry client in production. */
    @FunctionalInterface
    public interface Fetcher {
        SchemaRegistryClient.RegisteredSchema fetch(int id) throws DecodeException;
    }

    /**
     * Turns the registry's answer into the format's schema; throws {@link InputError#UNKNOWN_SCHEMA} for a schema of
     * another type or one that does not parse (remembered like a 404, never retried).
     */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(int id, SchemaRegistryClient.RegisteredSchema schema) throws DecodeException;
    }

    private record Failure(DecodeException cause, long untilNanos) {
    }

    private final Fetcher fetcher;
    private final Parser<T> parser;
    private final RegistrySettings settings;
    private final Map<Integer, T> schemas;
    private final Map<Integer, Failure> failures = new LinkedHashMap<>();

    public RegistrySchemas(Fetcher fetcher, Parser<T> parser, RegistrySettings settings) {
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.parser = Objects.requireNonNull(parser, "parser");
        this.settings = Objects.requireNonNull(settings, "settings");
        int max = settings.cacheMax();
        this.schemas = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, T> eldest) {
                return size() > max;
            }
        };
    }

    /** The writer schema registered under {@code id}. */
    public T schema(int id) throws DecodeException {
        synchronized (this) {
            T cached = schemas.get(id);
            if (cached != null) {
                return cached;
            }
            Failure f = failures.get(id);
            if (f != null) {
                if (System.nanoTime() - f.untilNanos() < 0) {
                    throw new DecodeException(f.cause().error(), f.cause().getMessage() + " (remembered for "
                            + settings.cooldown().toMillis() + " ms: schema.registry.failure.cooldown.ms)");
                }
                failures.remove(id);
            }
        }
        try {
            T s = fetchWithRetries(id);
            synchronized (this) {
                schemas.put(id, s);
            }
            return s;
        } catch (DecodeException e) {
            synchronized (this) {
                failures.put(id, new Failure(e, System.nanoTime() + settings.cooldown().toNanos()));
                if (failures.size() > settings.cacheMax()) {
                    failures.remove(failures.keySet().iterator().next());
                }
            }
            throw e;
        }
    }

    /** Schemas held now (for tests and the cache bound). */
    public synchronized int cached() {
        return schemas.size();
    }

    private T fetchWithRetries(int id) throws DecodeException {
        DecodeException last = null;
        for (int attempt = 0; attempt <= settings.retries(); attempt++) {
            if (attempt > 0) {
                sleep(settings.backoff().toMillis() << (attempt - 1));
            }
            try {
                return parser.parse(id, fetcher.fetch(id));
            } catch (DecodeException e) {
                if (e.error() != InputError.SCHEMA_UNAVAILABLE) {
                    throw e;
                }
                last = e;
                LOG.warn("schema registry: attempt {} of {} for schema {} failed: {}", attempt + 1, settings.retries() + 1,
                        id, e.getMessage());
            }
        }
        throw last;
    }

    private static void sleep(long millis) throws DecodeException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DecodeException(InputError.SCHEMA_UNAVAILABLE, "interrupted waiting to retry the registry");
        }
    }
}
