package dev.kade.incident;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One task's alert budgets ({@code alerts.budget.*}): the threshold each entity's anomalies must reach to count for
 * its incidents, derived from the scores seen so that about the budgeted number of incidents a day open.
 *
 * <p><b>How.</b> Per entity and model version a {@link ScoreLadder} counts the incidents each of 64 log-spaced
 * thresholds above the model's would have opened (runs separated by the quiet time, as the tracker forms them), decayed
 * over a day of event time. The entity's threshold is the lowest at which its rate is within
 * {@code alerts.budget.per.entity.per.day}, interpolated between levels. An overall budget
 * ({@code alerts.budget.per.day}) is split evenly over the input partitions ({@code alerts.budget.partitions}): each
 * task keeps the sum of its entities' ladders and derives one threshold for all of them from its share. With both,
 * the higher applies. A budget only raises the bar (at most N): an entity whose anomalies already stay within it keeps
 * the model's threshold.
 *
 * <p><b>What it gates.</b> An anomaly below the entity's threshold is still scored and counted and on the scores
 * topic, but for the incidents it is a normal record: it neither opens nor joins one. So the incidents that open at a
 * steady threshold are exactly the runs the ladder counted at it.
 *
 * <p><b>Start-up.</b> Until a model version has been scored for {@code alerts.budget.warmup.ms} of event time in the
 * task, too few incidents were seen to place a threshold: the model's threshold applies, and an entity opens at most
 * {@code ⌈N × warm-up / day⌉} incidents in that time (the task, for an overall budget, its share's), so a start is
 * never a flood.
 *
 * <p><b>Exactly once.</b> The ladders, and each version's start, are kept in the task's changelogged incident store
 * (keys under {@link IncidentTracker#FOREIGN_PREFIX}), written by {@link #flush()} in the batch flush before every
 * commit: a restored task derives the same thresholds, and a replay of the same records the same incidents.
 *
 * <p>Owned by one task, used on its stream thread only.
 */
public final class AlertBudget {
    private static final String PREFIX = IncidentTracker.FOREIGN_PREFIX + "budget\0";
    private static final String START = PREFIX + "start\0";
    private static final String TASK = PREFIX + "task\0";
    private static final String ENTITY = PREFIX + "entity\0";
    private static final long DAY_MS = 86_400_000L;
    /**
     * A ladder with no anomaly for this long is dropped: its counts have decayed below e^-14 of what they were,
     * and its levels' last times are far beyond any quiet time, so an empty ladder derives the same threshold.
     */
    static final long EXPIRY_MS = 14 * DAY_MS;

    private final BudgetSettings settings;
    private final IncidentTracker.Store store;
    private final long quietMs;
    private final long warmUpMs;
    /** Store key → ladder: entities' ({@link #ENTITY}) and, for an overall budget, each version's sum ({@link #TASK}). */
    private final Map<String, ScoreLadder> ladders = new HashMap<>();
    /** Model version → the event time its first record was scored in this task. */
    private final Map<String, Long> starts = new HashMap<>();
    /** Model version → entity → its derived threshold (score units), for the gauge. */
    private final Map<String, Map<String, Double>> thresholds = new HashMap<>();
    private final Set<String> dirty = new HashSet<>();
    private String lastVersion;
    private long now = Long.MIN_VALUE;
    /** Event time of the last sweep for expired ladders (one an hour of event time, in {@link #flush()}). */
    private long sweptAt = Long.MIN_VALUE;

    public AlertBudget(BudgetSettings settings, long quietMs, IncidentTracker.Store store) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
        this.quietMs = quietMs;
        this.warmUpMs = settings.warmUp().toMillis();
        store.forEach((k, v) -> {
            if (k.startsWith(START)) {
                starts.put(k.substring(START.length()), ByteBuffer.wrap(v).getLong());
            } else if (k.startsWith(PREFIX)) {
                ladders.put(k, ScoreLadder.fromBytes(v));
            }
        });
    }

    /** Every scored record, anomalous or not: starts the version's clock and moves the task's event time. */
    public void seen(String version, long at) {
        if (at > now) {
            now = at;
        }
        if (!version.equals(lastVersion)) {
            lastVersion = version;
            if (!starts.containsKey(version)) {
                starts.put(version, at);
                dirty.add(START + version);
            }
        }
    }

    /**
     * Whether an anomaly ({@code score} at or above the model's {@code threshold}) of {@code entity} counts for its
     * incidents under the budget; records it on the entity's ladder either way. Call {@link #seen} first.
     *
     * @param open whether the entity has an incident open now (in the start-up time, joining it is always allowed)
     */
    public boolean admits(String entity, String version, double threshold, float score, long at, boolean open) {
        String key = ENTITY + version + '\0' + entity;
        ScoreLadder ladder = ladders.computeIfAbsent(key, k -> new ScoreLadder());
        int top = ScoreLadder.top(threshold, score);
        int from = top < 0 ? 0 : ladder.observe(top, at, quietMs);
        dirty.add(key);
        ScoreLadder task = null;
        if (settings.perDay() > 0) {
            task = ladders.computeIfAbsent(TASK + version, k -> new ScoreLadder());
            if (from <= top) {
                task.add(from, top, at);
                dirty.add(TASK + version);
            }
        }
        long span = now - starts.getOrDefault(version, now);
        if (span < warmUpMs) {
            return open || (settings.perEntityPerDay() <= 0 || ladder.opened() < cap(settings.perEntityPerDay()))
                    && (task == null || task.opened() < cap(settings.perTaskPerDay()));
        }
        double bar = bar(ladder, task, span);
        thresholds.computeIfAbsent(version, v -> new HashMap<>()).put(entity, bar * threshold);
        return score >= threshold * bar;
    }

    /** The entity's threshold now, in units of the model's threshold (1 in the start-up time or under budget). */
    public double bar(String entity, String version) {
        ScoreLadder ladder = ladders.get(ENTITY + version + '\0' + entity);
        long span = now - starts.getOrDefault(version, now);
        if (ladder == null || span < warmUpMs) {
            return 1.0;
        }
        return bar(ladder, ladders.get(TASK + version), span);
    }

    private double bar(ScoreLadder ladder, ScoreLadder task, long span) {
        double bar = 1.0;
        if (settings.perEntityPerDay() > 0) {
            bar = ScoreLadder.threshold(ladder.rates(now, span), settings.perEntityPerDay());
        }
        if (task != null) {
            bar = Math.max(bar, ScoreLadder.threshold(task.rates(now, span), settings.perTaskPerDay()));
        }
        return bar;
    }

    /** Incidents a budget of {@code perDay} allows in the start-up time, at least one. */
    private long cap(double perDay) {
        return Math.max(1, (long) Math.ceil(perDay * warmUpMs / DAY_MS));
    }

    /** An incident of the entity opened (counted against the start-up cap). */
    public void opened(String entity, String version) {
        String key = ENTITY + version + '\0' + entity;
        ScoreLadder ladder = ladders.get(key);
        if (ladder != null) {
            ladder.opened(1);
            dirty.add(key);
        }
        ScoreLadder task = ladders.get(TASK + version);
        if (task != null) {
            task.opened(1);
            dirty.add(TASK + version);
        }
    }

    /**
     * Writes the ladders changed since the last flush (in the batch flush, before the offsets can commit); returns
     * whether there were any.
     */
    public boolean flush() {
        if (now != Long.MIN_VALUE && (sweptAt == Long.MIN_VALUE || now - sweptAt >= 3_600_000L)) {
            sweptAt = now;
            expire();
        }
        boolean any = !dirty.isEmpty();
        for (String key : dirty) {
            if (key.startsWith(START)) {
                store.put(key, ByteBuffer.allocate(Long.BYTES).putLong(starts.get(key.substring(START.length()))).array());
            } else {
                store.put(key, ladders.get(key).toBytes());
            }
        }
        dirty.clear();
        return any;
    }

    /** Drops the ladders of entities with no anomaly for {@link #EXPIRY_MS}, from memory and the store. */
    private void expire() {
        for (var it = ladders.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            long last = e.getValue().lastCounted();
            if (last != Long.MIN_VALUE && now - last >= EXPIRY_MS) {
                it.remove();
                dirty.remove(e.getKey());
                store.delete(e.getKey());
                if (e.getKey().startsWith(ENTITY)) {
                    String rest = e.getKey().substring(ENTITY.length());
                    int sep = rest.indexOf('\0');
                    Map<String, Double> byEntity = thresholds.get(rest.substring(0, sep));
                    if (byEntity != null) {
                        byEntity.remove(rest.substring(sep + 1));
                    }
                }
            }
        }
    }

    /** Ladders held now (tests). */
    int ladders() {
        return ladders.size();
    }

    /**
     * Per model version, the median over this task's entities of their derived thresholds (score units), as last
     * derived; versions with no anomaly past the start-up time are absent.
     */
    public Map<String, Double> medianThresholds() {
        Map<String, Double> out = new HashMap<>();
        thresholds.forEach((version, byEntity) -> {
            double[] v = byEntity.values().stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(v);
            out.put(version, v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2);
        });
        return out;
    }

    /** The versions this task has scored (tests). */
    List<String> versions() {
        return new ArrayList<>(starts.keySet());
    }
}
