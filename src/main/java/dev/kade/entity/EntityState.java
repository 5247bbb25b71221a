package dev.kade.entity;

import dev.kade.series.EntityStats;
import dev.kade.series.EntityWindow;
import dev.kade.series.SeasonalProfile;
import dev.kade.series.SeriesSpec;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Everything the stream keeps for one entity between its records: the trailing window, the running statistics
 * the model normalises with (and the range of values the likelihood's range flag checks), the likelihood's state, the event time of its newest record, and counters. The
 * value of the entity's key in the state store ({@link #toBytes()}).
 *
 * <p>Byte form (big-endian), led by a version byte, with the newest event time right after it in every version
 * (where {@link ExpirySweeper} reads it without decoding the rest). Version {@code 2}, written since the changelog
 * record it makes was found to be half of what a windowed kade sends per input (docs/time-series.md#cost): version
 * byte, last event time (long), then unsigned varints ({@link VarInts}) for records, late records, gaps, W, F and the
 * steps held, the steps ({@link EntityWindow#writeStepsTo}, F float32 each, oldest first), the statistics' step count
 * (varint) and values ({@link EntityStats#writeValuesTo}: none before the first step), the likelihood
 * ({@link LikelihoodState#writeCompactTo}: only the ring slots written so far), then the seasonal profile behind a
 * varint length (0 without; {@link SeasonalProfile#toBytes()}). Every number the scores depend on is kept at its
 * full precision (float32 values, float64 statistics), so a restored entity scores exactly as it would have. At
 * W = 32, F = 1: 59 bytes for an entity of 3 records (version 1: 153), 231 with a full window and a likelihood ring
 * of 10 (version 1: 269).
 *
 * <p>Version {@code 1} (what kade wrote before; still read, so that a changelog written by an older kade restores):
 * last event time (long), records (long), late records (int), gaps (int), the window's bytes and the
 * statistics' bytes each behind an unsigned-short length ({@link EntityWindow#toBytes()},
 * {@link EntityStats#toBytes()}), the likelihood state (its version-1 layout), then the seasonal profile behind an
 * int length. A state read in version 1 is written back in version 2 when its entity is next updated.
 *
 * <p>Mutable and not thread-safe: one stream thread owns it while its batch is open.
 */
public final class EntityState {
    /** The byte layout written. */
    public static final byte VERSION = 2;
    /** The layout written before {@link #VERSION}, still read. */
    public static final byte VERSION_1 = 1;

    private EntityWindow window;
    private EntityStats stats;
    private final LikelihoodState likelihood;
    /** The seasonal profile of a seasonal model's entity, else null. */
    private SeasonalProfile seasonal;
    private long lastEventTime;
    private long records;
    private int late;
    private int gaps;

    private EntityState(EntityWindow window, EntityStats stats, LikelihoodState likelihood) {
        this.window = window;
        this.stats = stats;
        this.likelihood = likelihood;
    }

    /** The state of an entity never seen (or expired). */
    public static EntityState fresh(SeriesSpec spec, AnomalyLikelihood likelihood) {
        EntityState s = new EntityState(EntityWindow.of(spec), new EntityStats(spec), likelihood.newState(spec.features()));
        s.seasonal = freshProfile(spec);
        return s;
    }

    private static SeasonalProfile freshProfile(SeriesSpec spec) {
        return spec.seasonal().map(ss -> new SeasonalProfile(ss, spec.rawFeatures())).orElse(null);
    }

    /** The seasonal profile, or null for a model without seasonal residuals. */
    public SeasonalProfile seasonal() {
        return seasonal;
    }

    public EntityWindow window() {
        return window;
    }

    public EntityStats stats() {
        return stats;
    }

    public LikelihoodState likelihood() {
        return likelihood;
    }

    /** Event time of the newest record that updated the window (epoch ms); meaningless when {@link #records()} is 0. */
    public long lastEventTime() {
        return lastEventTime;
    }

    /** Records that updated the window (late ones do not). */
    public long records() {
        return records;
    }

    /** Late records seen. */
    public int late() {
        return late;
    }

    /** Gaps seen. */
    public int gaps() {
        return gaps;
    }

    void advance(long eventTime) {
        lastEventTime = eventTime;
        records++;
    }

    void countLate() {
        late++;
    }

    void countGap() {
        gaps++;
    }

    /** The byte form described in the class Javadoc (version {@link #VERSION}). */
    public byte[] toBytes() {
        // one array, sized exactly: the parts are written into it in place, not built apart and copied
        byte[] p = seasonal == null ? NO_PROFILE : seasonal.toBytes();
        int steps = window.size();
        int size = 1 + 8 + VarInts.size(records) + VarInts.size(late) + VarInts.size(gaps)
                + VarInts.size(window.window()) + VarInts.size(window.features()) + VarInts.size(steps)
                + 4 * steps * window.features()
                + VarInts.size(stats.count()) + stats.valuesSize()
                + likelihood.compactSize()
                + VarInts.size(p.length) + p.length;
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(VERSION).putLong(lastEventTime);
        VarInts.put(b, records);
        VarInts.put(b, late);
        VarInts.put(b, gaps);
        VarInts.put(b, window.window());
        VarInts.put(b, window.features());
        VarInts.put(b, steps);
        window.writeStepsTo(b);
        VarInts.put(b, stats.count());
        stats.writeValuesTo(b);
        likelihood.writeCompactTo(b);
        VarInts.put(b, p.length);
        b.put(p);
        return b.array();
    }

    private static final byte[] NO_PROFILE = new byte[0];

    /**
     * Reads {@link #toBytes()} (version 2) or a version-1 state for an entity of a model with {@code spec}. A state
     * written for another window shape or feature count (the model was replaced by one with another W or F) keeps
     * its time and counters and starts the window and statistics afresh; a likelihood of another short window
     * starts afresh.
     *
     * @throws IllegalArgumentException when the bytes are not an entity state of a known version
     */
    public static EntityState fromBytes(byte[] bytes, SeriesSpec spec, AnomalyLikelihood likelihood) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length < 1 || (bytes[0] != VERSION && bytes[0] != VERSION_1)) {
            throw new IllegalArgumentException("not an entity state of version " + VERSION_1 + " or " + VERSION
                    + (bytes.length > 0 ? " (version byte " + bytes[0] + ")" : " (empty)"));
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            EntityState st = b.get() == VERSION ? readVersion2(b, spec, likelihood) : readVersion1(b, spec, likelihood);
            if (b.hasRemaining()) {
                throw new IllegalArgumentException("entity state has " + b.remaining() + " bytes left over");
            }
            return st;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("entity state is truncated (" + bytes.length + " bytes)");
        }
    }

    private static EntityState readVersion2(ByteBuffer b, SeriesSpec spec, AnomalyLikelihood likelihood) {
        long last = b.getLong();
        long records = VarInts.getLong(b);
        int late = VarInts.get(b);
        int gaps = VarInts.get(b);
        int w = VarInts.get(b);
        int f = VarInts.get(b);
        int steps = VarInts.get(b);
        if (w < 1 || f < 1 || steps > w || (long) steps * f * 4 > b.remaining()) {
            throw new IllegalArgumentException("corrupt entity window: W=" + w + " F=" + f + " steps=" + steps);
        }
        boolean sameShape = w == spec.window() && f == spec.features();
        EntityWindow window;
        if (sameShape) {
            window = EntityWindow.readSteps(w, f, steps, b);
        } else {
            b.position(b.position() + 4 * steps * f);
            window = EntityWindow.of(spec);
        }
        long count = VarInts.getLong(b);
        EntityStats stats;
        if (sameShape) {
            stats = EntityStats.readValues(spec, count, b);
        } else {
            b.position(b.position() + (count == 0 ? 0 : 24 * f));
            stats = new EntityStats(spec);
        }
        LikelihoodState l = LikelihoodState.readCompactFrom(b, likelihood.params().shortWindow(), spec.features());
        byte[] p = new byte[VarInts.get(b)];
        b.get(p);
        EntityState st = new EntityState(window, stats, l);
        st.finish(spec, p, last, records, late, gaps);
        return st;
    }

    private static EntityState readVersion1(ByteBuffer b, SeriesSpec spec, AnomalyLikelihood likelihood) {
        long last = b.getLong();
        long records = b.getLong();
        int late = b.getInt();
        int gaps = b.getInt();
        byte[] w = new byte[Short.toUnsignedInt(b.getShort())];
        b.get(w);
        byte[] s = new byte[Short.toUnsignedInt(b.getShort())];
        b.get(s);
        LikelihoodState l = LikelihoodState.readFrom(b, likelihood.params().shortWindow(), spec.features());
        byte[] p = new byte[b.getInt()];
        b.get(p);
        EntityWindow window = EntityWindow.fromBytes(w);
        EntityState st;
        if (window.window() == spec.window() && window.features() == spec.features()) {
            st = new EntityState(window, EntityStats.fromBytes(spec, s), l);
        } else {
            st = new EntityState(EntityWindow.of(spec), new EntityStats(spec), l);
        }
        st.finish(spec, p, last, records, late, gaps);
        return st;
    }

    /** Sets what both versions read after the parts: the profile (afresh when its shape changed), time and counters. */
    private void finish(SeriesSpec spec, byte[] profile, long last, long records, int late, int gaps) {
        seasonal = freshProfile(spec);
        if (seasonal != null && profile.length > 0) {
            try {
                seasonal = SeasonalProfile.fromBytes(spec.seasonal().get(), spec.rawFeatures(), profile);
            } catch (IllegalArgumentException e) {
                // another seasonal shape (the model changed): the profile starts again
            }
        }
        this.lastEventTime = last;
        this.records = records;
        this.late = late;
        this.gaps = gaps;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EntityState e && Arrays.equals(e.toBytes(), toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    @Override
    public String toString() {
        return "EntityState[last=" + lastEventTime + ", records=" + records + ", " + window + "]";
    }
}
