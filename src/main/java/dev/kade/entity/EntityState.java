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
 * <p>Byte form (big-endian), led by a version byte so that a later layout can read this one: version {@code 1},
 * last event time (long), records (long), late records (int), gaps (int), the window's bytes and the
 * statistics' bytes each behind an unsigned-short length ({@link EntityWindow#toBytes()},
 * {@link EntityStats#toBytes()}), the likelihood state, then the seasonal profile behind an int length (0 without;
 * {@link SeasonalProfile#toBytes()}, 963 bytes per raw feature at 168 + 24 bins). At W = 32, F = 1 with a full window and a short
 * likelihood window of 10: 269 bytes; with seasonal residuals (F = 2) about 1.5 KiB.
 *
 * <p>Mutable and not thread-safe: one stream thread owns it while its batch is open.
 */
public final class EntityState {
    /** The current byte layout. */
    public static final byte VERSION = 1;

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

    /** The byte form described in the class Javadoc. */
    public byte[] toBytes() {
        // one array: the window and statistics are written into it in place, not built apart and copied
        int w = window.encodedSize();
        int s = stats.encodedSize();
        byte[] p = seasonal == null ? NO_PROFILE : seasonal.toBytes();
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 8 + 4 + 4 + 2 + w + 2 + s + likelihood.encodedSize() + 4 + p.length);
        b.put(VERSION).putLong(lastEventTime).putLong(records).putInt(late).putInt(gaps);
        b.putShort((short) w);
        window.writeTo(b);
        b.putShort((short) s);
        stats.writeTo(b);
        likelihood.writeTo(b);
        b.putInt(p.length).put(p);
        return b.array();
    }

    private static final byte[] NO_PROFILE = new byte[0];

    /**
     * Reads {@link #toBytes()} for an entity of a model with {@code spec}. A state written for another window
     * shape or feature count (the model was replaced by one with another W or F) keeps its time and counters
     * and starts the window and statistics afresh; a likelihood of another short window starts afresh.
     *
     * @throws IllegalArgumentException when the bytes are not an entity state of a known version
     */
    public static EntityState fromBytes(byte[] bytes, SeriesSpec spec, AnomalyLikelihood likelihood) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length < 1 || bytes[0] != VERSION) {
            throw new IllegalArgumentException("not an entity state of version " + VERSION
                    + (bytes.length > 0 ? " (version byte " + bytes[0] + ")" : " (empty)"));
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            b.get();
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
            if (b.hasRemaining()) {
                throw new IllegalArgumentException("entity state has " + b.remaining() + " bytes left over");
            }
            EntityWindow window = EntityWindow.fromBytes(w);
            EntityState st;
            if (window.window() == spec.window() && window.features() == spec.features()) {
                st = new EntityState(window, EntityStats.fromBytes(spec, s), l);
            } else {
                st = new EntityState(EntityWindow.of(spec), new EntityStats(spec), l);
            }
            st.seasonal = freshProfile(spec);
            if (st.seasonal != null && p.length > 0) {
                try {
                    st.seasonal = SeasonalProfile.fromBytes(spec.seasonal().get(), spec.rawFeatures(), p);
                } catch (IllegalArgumentException e) {
                    // another seasonal shape (the model changed): the profile starts again
                }
            }
            st.lastEventTime = last;
            st.records = records;
            st.late = late;
            st.gaps = gaps;
            return st;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("entity state is truncated (" + bytes.length + " bytes)");
        }
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
