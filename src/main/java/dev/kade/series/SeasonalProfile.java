package dev.kade.series;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Objects;

/**
 * One entity's running seasonal profile per raw feature, from which a windowed model's residual features are
 * made (nab-findings v4, step 1). For a record at time t with values x:
 *
 * <pre>
 *   sow = weekday(t)·86400 + secondOfDay(t)   (Monday = 0, in the spec's zone)
 *   bw  = floor(sow·weekBins / 604800),  bd = floor(secondOfDay·dayBins / 86400)
 *   r   = cntW[bw] &gt; 0 ? x − profW[bw] : (cntD[bd] &gt; 0 ? x − profD[bd] : 0)
 *   then cntW[bw]++, profW[bw] += max(alpha, 1/cntW[bw])·(x − profW[bw]), and the same for the day profile
 * </pre>
 *
 * <p>{@link #step} writes a model step: the R raw values, then their R residuals (F = 2R), computing the
 * residuals BEFORE folding the values in. The stream stores that step in the entity's window (the profile moves,
 * so a residual is never recomputed) and the trainer ({@link WindowBuilder}) makes its steps with this same
 * class, so both agree bit for bit. Profile values are kept in float32 (computed in double), counts saturate at
 * 255 (only counts up to 1/alpha matter).
 *
 * <p>Not thread-safe; one instance belongs to one entity on one stream thread.
 *
 * <p>Byte form (big-endian): format byte {@code 1}, R as unsigned short, then per raw feature the week profile
 * (weekBins float32), the day profile (dayBins float32), the week counts and the day counts (one unsigned byte
 * each): {@code 3 + R·5·(weekBins + dayBins)} bytes, 963 at R = 1 with 168 + 24 bins.
 */
public final class SeasonalProfile {
    private static final byte FORMAT = 1;
    private static final int HEADER = 3;
    private static final long WEEK_SECONDS = 604800;
    private static final long DAY_SECONDS = 86400;

    private final SeasonalSpec spec;
    private final int raw;
    private final float[] week;
    private final float[] day;
    private final byte[] weekCount;
    private final byte[] dayCount;

    /** An empty profile of {@code rawFeatures} raw features. */
    public SeasonalProfile(SeasonalSpec spec, int rawFeatures) {
        this.spec = Objects.requireNonNull(spec, "spec");
        if (rawFeatures < 1 || rawFeatures > 0xFFFF) {
            throw new IllegalArgumentException("raw features must be 1..65535, got " + rawFeatures);
        }
        this.raw = rawFeatures;
        this.week = new float[rawFeatures * spec.weekBins()];
        this.day = new float[rawFeatures * spec.dayBins()];
        this.weekCount = new byte[week.length];
        this.dayCount = new byte[day.length];
    }

    public SeasonalSpec spec() {
        return spec;
    }

    /** Raw features R. */
    public int rawFeatures() {
        return raw;
    }

    /**
     * Writes the model step of a record: {@code values[offset..offset+R)} at {@code dst[dstOffset..+R)}, their
     * residuals at {@code dst[dstOffset+R..+2R)}; then folds the values into the profile. A non-finite value gets
     * residual 0 and is not folded in.
     */
    public void step(float[] values, int offset, long epochMillis, float[] dst, int dstOffset) {
        if (values.length - offset < raw || dst.length - dstOffset < 2 * raw) {
            throw new IllegalArgumentException("a step needs " + raw + " values and room for " + 2 * raw);
        }
        ZonedDateTime t = Instant.ofEpochMilli(epochMillis).atZone(spec.zone());
        long secondOfDay = t.toLocalTime().toSecondOfDay();
        long secondOfWeek = (t.getDayOfWeek().getValue() - 1) * DAY_SECONDS + secondOfDay;
        int bw = (int) (secondOfWeek * spec.weekBins() / WEEK_SECONDS);
        int bd = spec.dayBins() == 0 ? -1 : (int) (secondOfDay * spec.dayBins() / DAY_SECONDS);
        for (int j = 0; j < raw; j++) {
            float x = values[offset + j];
            dst[dstOffset + j] = x;
            int w = j * spec.weekBins() + bw;
            int d = bd < 0 ? -1 : j * spec.dayBins() + bd;
            float r;
            if (weekCount[w] != 0) {
                r = (float) ((double) x - week[w]);
            } else if (d >= 0 && dayCount[d] != 0) {
                r = (float) ((double) x - day[d]);
            } else {
                r = 0f;
            }
            if (!Float.isFinite(x)) {
                dst[dstOffset + raw + j] = 0f;
                continue;
            }
            dst[dstOffset + raw + j] = r;
            week[w] = fold(week[w], weekCount, w, x);
            if (d >= 0) {
                day[d] = fold(day[d], dayCount, d, x);
            }
        }
    }

    private float fold(float value, byte[] counts, int i, float x) {
        int n = Math.min(255, Byte.toUnsignedInt(counts[i]) + 1);
        counts[i] = (byte) n;
        double a = Math.max(spec.alpha(), 1.0 / n);
        return (float) (value + a * ((double) x - value));
    }

    /** The byte form described in the class Javadoc. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + raw * 5 * (spec.weekBins() + spec.dayBins()));
        b.put(FORMAT).putShort((short) raw);
        for (float v : week) {
            b.putFloat(v);
        }
        for (float v : day) {
            b.putFloat(v);
        }
        b.put(weekCount).put(dayCount);
        return b.array();
    }

    /**
     * Reads {@link #toBytes()} for a model with {@code spec}.
     *
     * @throws IllegalArgumentException if the bytes are not a profile of this format, R and bin counts
     */
    public static SeasonalProfile fromBytes(SeasonalSpec spec, int rawFeatures, byte[] bytes) {
        SeasonalProfile p = new SeasonalProfile(spec, rawFeatures);
        int expected = HEADER + rawFeatures * 5 * (spec.weekBins() + spec.dayBins());
        if (bytes == null || bytes.length != expected || bytes[0] != FORMAT
                || Short.toUnsignedInt(ByteBuffer.wrap(bytes, 1, 2).getShort()) != rawFeatures) {
            throw new IllegalArgumentException("not a seasonal profile of " + rawFeatures + " features and "
                    + spec.weekBins() + " + " + spec.dayBins() + " bins (" + expected + " bytes, format " + FORMAT + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, HEADER, bytes.length - HEADER);
        for (int i = 0; i < p.week.length; i++) {
            p.week[i] = b.getFloat();
        }
        for (int i = 0; i < p.day.length; i++) {
            p.day[i] = b.getFloat();
        }
        b.get(p.weekCount).get(p.dayCount);
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeasonalProfile p && p.spec.equals(spec) && p.raw == raw && Arrays.equals(p.week, week)
                && Arrays.equals(p.day, day) && Arrays.equals(p.weekCount, weekCount) && Arrays.equals(p.dayCount, dayCount);
    }

    @Override
    public int hashCode() {
        return Objects.hash(spec, raw, Arrays.hashCode(week), Arrays.hashCode(day));
    }
}
