package dev.kade.incident;

import dev.kade.output.Source;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One task's open incidents: turns the stream of scored records into incident events.
 *
 * <p>The rules, all in event time so that a replay gives the same events and ids:
 * <ul>
 *   <li>an anomaly of an entity (and model version) with no open incident opens one ({@code opened});</li>
 *   <li>a further anomaly joins it; an {@code updated} event is sent only when at least
 *       {@code updateInterval} has passed since the incident's last event, so one incident sends at most one
 *       update per interval however many records it spans;</li>
 *   <li>it is resolved when the task's stream time (the newest event time it has seen) passes the latest
 *       anomaly plus {@code quietTime}, or after {@code resolveAfterNormal} normal records of the entity in a row.</li>
 * </ul>
 *
 * <p>State: the open incidents live in a map here and in the task's changelogged incident store, which holds
 * open incidents only (a resolved one is deleted), so it stays as small as the number of incidents open at once and
 * is read whole only at start. Writes are buffered per incident and written by {@link #flush()}, which the processor
 * calls at the end of each batch, inside the pre-commit flush: one store write per changed incident per batch, not
 * one per anomalous record (a flood would otherwise become a changelog flood). Quiet-time resolution checks one
 * number per record (the earliest deadline) and walks the open incidents only when stream time has passed it.
 *
 * <p>Owned by one processor, used on its stream thread only.
 */
public final class IncidentTracker {
    /** Where the open incidents are kept between batches (the task's incident store). */
    public interface Store {
        void put(String key, byte[] value);

        void delete(String key);

        /** Every stored entry (called once, at start). */
        void forEach(BiConsumer<String, byte[]> action);
    }

    /** The store key of the task's stream time; incident keys all hold a NUL, this one none, so they never meet. */
    static final String STREAM_TIME_KEY = "stream-time";
    /**
     * Keys under this prefix in the incident store belong to others sharing it (the feedback loop's bookkeeping); the
     * tracker neither reads nor writes them. An incident key starts with its entity, never with a NUL and "~".
     */
    public static final String FOREIGN_PREFIX = "\0~";

    private final IncidentSettings settings;
    private final Store store;
    private final long quietMs;
    private final long updateMs;
    private final Map<String, IncidentState> open = new HashMap<>();
    private final Set<String> dirty = new HashSet<>();
    private long streamTime = Long.MIN_VALUE;
    private long storedStreamTime = Long.MIN_VALUE;
    /** No open incident's quiet time ends before this (a lower bound; exact after each sweep). */
    private long nextDeadline = Long.MAX_VALUE;

    public IncidentTracker(IncidentSettings settings, Store store) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
        this.quietMs = settings.quietTime().toMillis();
        this.updateMs = settings.updateInterval().toMillis();
        store.forEach((k, v) -> {
            if (k.startsWith(FOREIGN_PREFIX)) {
                return;
            }
            if (k.equals(STREAM_TIME_KEY)) {
                streamTime = storedStreamTime = java.nio.ByteBuffer.wrap(v).getLong();
                return;
            }
            IncidentState s = IncidentState.fromBytes(v);
            open.put(k, s);
            nextDeadline = Math.min(nextDeadline, deadline(s));
        });
    }

    /** Incidents open now. */
    public int openCount() {
        return open.size();
    }

    /** The open incident of an entity and model, if any (tests, feedback). */
    public IncidentState openIncident(String entity, String modelVersion) {
        return open.get(key(entity, modelVersion));
    }

    /**
     * One scored record of {@code entity}.
     *
     * @param topFeatures the features furthest off, largest first, for an anomaly; ignored (may be null) otherwise
     * @param out         receives the events this record causes, in order
     * @return true when the record was an anomaly inside a mute window (it opened and joined no incident)
     */
    public boolean observe(String entity, String modelVersion, String modelKind, Source source, long at, boolean anomaly,
                           float score, List<String> topFeatures, List<IncidentEvent> out) {
        return observe(entity, modelVersion, modelKind, source, at, anomaly, anomaly && muted(entity, at), score, topFeatures,
                out);
    }

    /**
     * One scored record of {@code entity} whose mute state the caller looked up (the settings' rules and the control
     * topic's, {@link MuteBook}).
     *
     * @param muted whether the record lies inside a mute window of its entity
     * @return true when the record was an anomaly inside a mute window (it opened and joined no incident)
     */
    public boolean observe(String entity, String modelVersion, String modelKind, Source source, long at, boolean anomaly,
                           boolean muted, float score, List<String> topFeatures, List<IncidentEvent> out) {
        if (at > streamTime) {
            streamTime = at;
            if (streamTime >= nextDeadline) {
                sweep(out);
            }
        }
        if (anomaly && muted) {
            // a planned maintenance: neither an anomaly of the incident nor a normal record that would resolve it
            return true;
        }
        if (open.isEmpty() && !anomaly) {
            return false;
        }
        String key = key(entity, modelVersion);
        IncidentState s = open.get(key);
        if (!anomaly) {
            if (s != null) {
                normal(key, s, at, out);
            }
            return false;
        }
        if (s != null && at - s.lastAt() >= quietMs) {
            // quiet for long enough in the entity's own time (stream time may lag when the entity's records lead)
            resolve(key, s, deadline(s), Resolution.QUIET, out);
            s = null;
        }
        if (s == null) {
            s = IncidentState.open(entity, modelVersion, modelKind, source, at, score, topFeatures);
            put(key, s);
            nextDeadline = Math.min(nextDeadline, deadline(s));
            out.add(new IncidentEvent(IncidentEvent.Kind.OPENED, s, at, null));
            return false;
        }
        s = s.anomaly(source, at, score, topFeatures);
        if (at - s.lastEmittedAt() >= updateMs) {
            s = s.emitted(at);
            out.add(new IncidentEvent(IncidentEvent.Kind.UPDATED, s, at, null));
        }
        put(key, s);
        return false;
    }

    private boolean muted(String entity, long at) {
        for (MuteRule r : settings.muteRules()) {
            if (r.mutes(entity, at)) {
                return true;
            }
        }
        return false;
    }

    private void normal(String key, IncidentState s, long at, List<IncidentEvent> out) {
        IncidentState n = s.normal();
        if (settings.resolveAfterNormal() > 0 && n.normalsInRow() >= settings.resolveAfterNormal()) {
            resolve(key, n, at, Resolution.NORMAL_RECORDS, out);
        } else {
            put(key, n);
        }
    }

    /**
     * Moves the stream time to {@code time} if that is later (the wall clock, {@code alerts.incident.resolve.wall.clock})
     * and resolves what that ends; {@link #flush()} then writes it.
     */
    public void advance(long time, List<IncidentEvent> out) {
        if (time > streamTime) {
            streamTime = time;
            if (streamTime >= nextDeadline) {
                sweep(out);
            }
        }
    }

    /** Resolves every open incident whose quiet time ended at or before the stream time. */
    private void sweep(List<IncidentEvent> out) {
        long next = Long.MAX_VALUE;
        for (Iterator<Map.Entry<String, IncidentState>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, IncidentState> e = it.next();
            long d = deadline(e.getValue());
            if (d <= streamTime) {
                it.remove();
                dirty.add(e.getKey());
                out.add(new IncidentEvent(IncidentEvent.Kind.RESOLVED, e.getValue(), d, Resolution.QUIET));
            } else {
                next = Math.min(next, d);
            }
        }
        nextDeadline = next;
    }

    private void resolve(String key, IncidentState s, long at, Resolution why, List<IncidentEvent> out) {
        open.remove(key);
        dirty.add(key);
        out.add(new IncidentEvent(IncidentEvent.Kind.RESOLVED, s, at, why));
    }

    private void put(String key, IncidentState s) {
        open.put(key, s);
        dirty.add(key);
    }

    /**
     * Writes the incidents changed since the last flush to the store (deletes for resolved ones). Called at the end of
     * every batch, before its offsets can be committed.
     */
    public void flush() {
        for (String key : dirty) {
            IncidentState s = open.get(key);
            if (s == null) {
                store.delete(key);
            } else {
                store.put(key, s.toBytes());
            }
        }
        dirty.clear();
        if (streamTime != storedStreamTime && !open.isEmpty()) {
            // a restarted task resumes the same stream time, so it resolves exactly when an uninterrupted one would
            store.put(STREAM_TIME_KEY, java.nio.ByteBuffer.allocate(Long.BYTES).putLong(streamTime).array());
            storedStreamTime = streamTime;
        }
    }

    private long deadline(IncidentState s) {
        long d = s.lastAt() + quietMs;
        return d < s.lastAt() ? Long.MAX_VALUE : d;
    }

    /** The store key of an entity's incident under a model version: NUL-separated, so distinct pairs never collide. */
    static String key(String entity, String modelVersion) {
        return entity + '\0' + modelVersion;
    }
}
