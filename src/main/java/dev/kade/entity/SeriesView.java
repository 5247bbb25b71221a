package dev.kade.entity;

import dev.kade.series.SeasonalProfile;
import dev.kade.series.SeriesSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open batch's view of its entities, backed by the task's {@link EntityStore}: what makes each record
 * scored with its entity's window as of itself, even when a batch holds several records of one entity.
 *
 * <p>{@link #admit} runs when the processor receives a record: it takes the entity's state from the view (or
 * the store, or a fresh one), applies the expiry, gap and late rules, writes the record's window (W·F raw
 * values, oldest first, the record last) and its entity's mean and scale before the record (2·F) into this
 * batch's row arrays, and advances the state. After the batch has been scored, {@link #likelihood} is called
 * for each row in row order and advances the entities' likelihoods. {@link #commit} then writes every state
 * the batch changed (and the task's clock) to the store; the processor calls it from the flush that precedes
 * every commit, so states and outputs commit together (one transaction under {@code exactly_once_v2}).
 * {@link #discard} forgets an uncommitted batch: its records were never committed and will be read again.
 *
 * <p>Only event time is used: the same records in the same order give the same rows and likelihoods, however
 * they are cut into batches.
 *
 * <p>One per task, used on the task's stream thread only; not thread-safe.
 */
public final class SeriesView {
    private static final Logger LOG = LoggerFactory.getLogger(SeriesView.class);
    private static final byte WARMING_UP = 1;
    private static final byte LATE = 2;
    private static final byte IMPUTED = 4;
    private static final byte GAP = 8;
    private static final byte OUT_OF_RANGE = 16;
    /** Inside a mute window: the window of values advances, the baseline (statistics, profile, likelihood) does not. */
    private static final byte MUTED = 32;
    /** {@link #admit}'s answer for a late record under {@link LatePolicy#DEAD_LETTER}. */
    public static final int LATE_DEAD_LETTER = -1;

    private final SeriesSpec spec;
    private final SeriesPolicy policy;
    private final AnomalyLikelihood likelihood;
    private final EntityStore store;
    private final ExpirySweeper sweeper;
    private final int windowWidth;
    private final int statsWidth;
    /** The record's model step (F values), made from its raw values. */
    private final float[] step;
    private final Map<Bytes, EntityState> view = new HashMap<>();
    private final List<EntityState> rowState = new ArrayList<>();
    private final List<EntityKey> rowEntity = new ArrayList<>();
    private byte[] rowFlags = new byte[16];
    private long[] rowTime = new long[16];
    private float[] windows = new float[0];
    private float[] stats = new float[0];
    private int rows;
    /** The task's clock as last written to the store (what {@link #discard} returns to). */
    private long writtenClock;
    private long created;
    private long warmUps;
    private long imputed;
    private long late;
    private long gaps;
    private long expired;

    public SeriesView(SeriesSpec spec, SeriesPolicy policy, EntityStore store) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.store = Objects.requireNonNull(store, "store");
        this.likelihood = new AnomalyLikelihood(policy.likelihood());
        this.sweeper = new ExpirySweeper(policy.idleExpiry(), policy.sweepMaxEntities());
        this.windowWidth = spec.width();
        this.statsWidth = 2 * spec.features();
        this.step = new float[spec.features()];
        this.writtenClock = store.maxEventTime();
    }

    public SeriesSpec spec() {
        return spec;
    }

    public AnomalyLikelihood likelihoodModel() {
        return likelihood;
    }

    /**
     * Admits one record of {@code entity} at {@code eventTime} with its R raw feature values at
     * {@code raw[offset..]} (R = F, or F/2 for a model with seasonal residuals, whose step the entity's profile
     * completes from the record's event time).
     *
     * @return the record's row in this batch, or {@link #LATE_DEAD_LETTER}
     */
    public int admit(EntityKey entity, long eventTime, float[] raw, int offset) {
        return admit(entity, eventTime, raw, offset, false);
    }

    /**
     * Admits one record as {@link #admit(EntityKey, long, float[], int)} does; a {@code muted} one (inside a mute window
     * of its entity, a planned maintenance) does not teach the entity's baseline that broken is normal: it enters the
     * window of values (the model scores what it sees) and moves the entity's clock, but the normalisation statistics,
     * the seasonal profile and the anomaly likelihood's history do not learn from it ({@link #judge} peeks, as for a
     * late record).
     */
    public int admit(EntityKey entity, long eventTime, float[] raw, int offset, boolean muted) {
        Bytes key = entity.storeKey();
        EntityState s = view.get(key);
        if (s == null) {
            s = load(key);
        }
        long clock = store.maxEventTime();
        long reference = Math.max(clock, eventTime);
        if (s != null && s.records() > 0 && !policy.idleExpiry().isZero()
                && reference - s.lastEventTime() > policy.idleExpiry().toMillis()) {
            expired++;
            s = null;
        }
        if (s == null) {
            s = EntityState.fresh(spec, likelihood);
            created++;
        }
        view.put(key, s);
        store.maxEventTime(reference);
        boolean isLate = s.records() > 0 && eventTime < s.lastEventTime();
        if (isLate) {
            late++;
            s.countLate();
            if (policy.late() == LatePolicy.DEAD_LETTER) {
                return LATE_DEAD_LETTER;
            }
        }
        float[] features = step;
        if (s.seasonal() == null) {
            System.arraycopy(raw, offset, step, 0, spec.features());
        } else if (isLate || muted) {
            // a late record changes nothing, a muted one teaches nothing: its residual comes from a copy of the profile
            SeasonalProfile copy = SeasonalProfile.fromBytes(s.seasonal().spec(), spec.rawFeatures(), s.seasonal().toBytes());
            copy.step(raw, offset, eventTime, step, 0);
        } else {
            s.seasonal().step(raw, offset, eventTime, step, 0);
        }
        offset = 0;
        int row = newRow(entity, s, eventTime);
        int w = row * windowWidth;
        int st = row * statsWidth;
        s.stats().writeMeanScale(stats, st);
        double margin = policy.likelihood().rangeMargin();
        // the range flag looks at the raw values only (a residual's range is no news)
        byte flags = margin >= 0 && s.stats().outOfRange(features, offset, spec.rawFeatures(), margin) ? OUT_OF_RANGE : 0;
        if (isLate) {
            flags |= (byte) (LATE | lateWindow(s, features, offset, w));
        } else {
            if (s.records() > 0 && !policy.maxGap().isZero() && eventTime - s.lastEventTime() > policy.maxGap().toMillis()) {
                gaps++;
                s.countGap();
                flags |= GAP;
                if (policy.gap() == GapPolicy.RESTART) {
                    s.window().clear();
                }
            }
            s.window().add(features, offset);
            if (muted) {
                flags |= MUTED;
            } else {
                s.stats().update(features, offset);
            }
            s.advance(eventTime);
            int steps = s.window().size();
            s.window().copyTo(windows, w + (spec.window() - steps) * spec.features());
            flags |= pad(steps, w);
        }
        if ((flags & WARMING_UP) != 0) {
            warmUps++;
        } else if ((flags & IMPUTED) != 0) {
            imputed++;
        }
        rowFlags[row] = flags;
        return row;
    }

    /** The window row of a late record: the entity's newest W−1 steps, then the record; nothing changes. */
    private byte lateWindow(EntityState s, float[] features, int offset, int w) {
        int f = spec.features();
        int held = s.window().size();
        int keep = Math.min(held, spec.window() - 1);
        float[] all = s.window().toArray();
        int start = w + (spec.window() - 1 - keep) * f;
        System.arraycopy(all, (held - keep) * f, windows, start, keep * f);
        System.arraycopy(features, offset, windows, w + (spec.window() - 1) * f, f);
        return pad(keep + 1, w);
    }

    /**
     * Pads a row whose window holds only its newest {@code steps} steps: the older slots get copies of the oldest
     * step held (the entity's first value, for a new entity). Answers the row's warm-up flag.
     */
    private byte pad(int steps, int w) {
        int f = spec.features();
        int missing = spec.window() - steps;
        int from = w + missing * f;
        for (int k = 0; k < missing; k++) {
            System.arraycopy(windows, from, windows, w + k * f, f);
        }
        if (missing == 0) {
            return 0;
        }
        boolean impute = policy.warmUp() == WarmUpPolicy.IMPUTE && steps >= policy.warmUpMinSteps();
        return impute ? IMPUTED : WARMING_UP;
    }

    private int newRow(EntityKey entity, EntityState s, long eventTime) {
        int row = rows++;
        if (rowFlags.length < rows) {
            rowFlags = java.util.Arrays.copyOf(rowFlags, rows * 2);
            rowTime = java.util.Arrays.copyOf(rowTime, rows * 2);
        }
        if (windows.length < rows * windowWidth) {
            windows = java.util.Arrays.copyOf(windows, Math.max(rows * windowWidth, windows.length * 2));
            stats = java.util.Arrays.copyOf(stats, Math.max(rows * statsWidth, stats.length * 2));
        }
        rowState.add(s);
        rowEntity.add(entity);
        rowTime[row] = eventTime;
        return row;
    }

    private EntityState load(Bytes key) {
        byte[] bytes = store.get(key);
        if (bytes == null) {
            return null;
        }
        try {
            return EntityState.fromBytes(bytes, spec, likelihood);
        } catch (IllegalArgumentException e) {
            LOG.warn("entity state of {} bytes cannot be read ({}); the entity starts afresh", bytes.length, e.getMessage());
            return null;
        }
    }

    /** Rows admitted in this batch. */
    public int rows() {
        return rows;
    }

    /** The rows' windows, row-major [rows][W][F] (raw values, oldest step first); reused, grown, never shrunk. */
    public float[] windows() {
        return windows;
    }

    /** The rows' entity statistics, row-major [rows][2][F] (means, then scales), as they were before each row. */
    public float[] stats() {
        return stats;
    }

    public EntityKey entity(int row) {
        return rowEntity.get(row);
    }

    public long eventTime(int row) {
        return rowTime[row];
    }

    public boolean warmingUp(int row) {
        return (rowFlags[row] & WARMING_UP) != 0;
    }

    public boolean late(int row) {
        return (rowFlags[row] & LATE) != 0;
    }

    public boolean imputed(int row) {
        return (rowFlags[row] & IMPUTED) != 0;
    }

    public boolean gap(int row) {
        return (rowFlags[row] & GAP) != 0;
    }

    /**
     * Rebases {@code entity} (feedback {@code new_normal}): its baseline (window, statistics, profile, likelihood) starts
     * afresh from its next record, which then warms up as a new entity's does, so what was an incident becomes what
     * normal is learnt from. Written with the batch ({@link #commit}); a discarded batch forgets it.
     */
    public void rebase(EntityKey entity) {
        view.put(entity.storeKey(), EntityState.fresh(spec, likelihood));
    }

    /** Whether row {@code row} was admitted inside a mute window (its entity's baseline did not learn from it). */
    public boolean muted(int row) {
        return (rowFlags[row] & MUTED) != 0;
    }

    /** Whether row {@code row}'s values lay outside its entity's earlier range (the likelihood's range flag). */
    public boolean outOfRange(int row) {
        return (rowFlags[row] & OUT_OF_RANGE) != 0;
    }

    /**
     * Row {@code row}'s judgement from the model's feature errors for it ({@code errors[offset..offset+F)}):
     * {@link #WARMING} while warming up (the likelihood learns nothing), a late or muted record's without changing the
     * entity, otherwise the entity's likelihood advanced by the errors. Call in row order, once per scored row (a
     * row the model could not score is skipped).
     */
    public AnomalyLikelihood.Judgement judge(int row, float[] errors, int offset) {
        if (warmingUp(row)) {
            return WARMING;
        }
        LikelihoodState l = rowState.get(row).likelihood();
        return late(row) || muted(row) ? likelihood.peek(l, errors, offset, outOfRange(row))
                : likelihood.update(l, errors, offset, outOfRange(row));
    }

    /** The judgement of a record scored while its entity warms up: no likelihood, output score 0. */
    public static final AnomalyLikelihood.Judgement WARMING = new AnomalyLikelihood.Judgement(Double.NaN, 0);

    /** Whether a row with this judgement alerts (never while warming up). */
    public boolean alerts(int row, AnomalyLikelihood.Judgement j) {
        return !warmingUp(row) && likelihood.alerts(j.score());
    }

    /** Writes the states this batch changed and the task's clock to the store, and empties the view. */
    public void commit() {
        if (view.isEmpty()) {
            return;
        }
        // one write for the batch (states, then the clock): RocksDB takes it as one write batch, not a call per entity
        List<KeyValue<Bytes, byte[]>> writes = new ArrayList<>(view.size() + 1);
        for (Map.Entry<Bytes, EntityState> e : view.entrySet()) {
            writes.add(KeyValue.pair(e.getKey(), e.getValue().toBytes()));
        }
        writes.add(store.meta());
        store.putAll(writes);
        writtenClock = store.maxEventTime();
        clear();
    }

    /**
     * Forgets this batch without writing anything (its records were not committed and will be read again), its counts
     * included: they will be counted again when its records are. Touches no store: it also runs while a task
     * closes, when the store may be closed already.
     */
    public void discard() {
        clear();
        resetCounts();
        // the clock advanced in memory for records that will be read again: take the written one back
        store.maxEventTime(writtenClock);
    }

    /** Whether this batch holds the entity (it will write it back on commit). */
    public boolean holds(Bytes storeKey) {
        return view.containsKey(storeKey);
    }

    /**
     * One bounded expiry sweep (entities held by this batch are left for its commit). Its deletions are written to
     * the store now, not with this batch ({@link #discard} does not bring them back), so they are not among this
     * batch's counts: the caller reports the number returned.
     *
     * <p>It sweeps, and writes to the store, the clock as of the last commit, not the clock this open batch has
     * advanced: that batch may yet be discarded and its records read again, perhaps in another order (a task reads
     * several partitions), and a deletion or a stored clock that rested on them could then change how an entity's
     * next record is treated. Deleting only what is idle against the committed clock keeps the sweep's promise
     * that it deletes only what the arrival rule already treats as gone.
     *
     * @return the entities deleted
     */
    public int sweep() {
        long advanced = store.maxEventTime();
        store.maxEventTime(writtenClock);
        try {
            return sweeper.sweep(store, view::containsKey);
        } finally {
            store.maxEventTime(advanced);
        }
    }

    /** This batch's counts since the last call (records admitted, entities found expired on arrival), and resets them. */
    public SeriesCounts takeCounts() {
        SeriesCounts c = new SeriesCounts(created, warmUps, imputed, late, gaps, expired);
        resetCounts();
        return c;
    }

    private void resetCounts() {
        created = warmUps = imputed = late = gaps = expired = 0;
    }

    private void clear() {
        view.clear();
        rowState.clear();
        rowEntity.clear();
        rows = 0;
    }
}
