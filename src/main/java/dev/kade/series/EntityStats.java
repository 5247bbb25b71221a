package dev.kade.series;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One entity's running mean and scale per feature, kept as its {@link SeriesSpec} says, so that one shared
 * model serves entities whose levels and spreads differ by orders of magnitude: the windowed model sees
 * {@code (x − mean) / scale}, computed inside its ONNX graph from the {@code entity_stats} input that
 * {@link #writeMeanScale} fills.
 *
 * <p>Update rule for a new step x (per feature), with n the number of steps seen including x and
 * {@code w = max(α, 1/n)} ({@link SeriesSpec#alpha()}; α = 0 for {@link Normalisation#CUMULATIVE}):
 * {@code d = x − mean; mean += w·d; var = (1 − w)·(var + w·d²)}. With w = 1/n this is exactly Welford's
 * population mean and variance, so an EWM starts as the plain mean of the first steps and turns into an
 * exponentially weighted one once 1/n falls below α. The scale is
 * {@code max(sqrt(var), scaleFloor, relativeFloor·|mean|)}; with no step seen yet the mean is 0 and the scale 1.
 * {@link Normalisation#NONE} always gives mean 0 and scale 1.
 *
 * <p>The arithmetic is in double and in a fixed order, so the trainer ({@link WindowBuilder}) and the stream,
 * running this class over the same steps, get the same float32 mean and scale bit for bit. A non-finite value
 * is not added (the statistics would be poisoned for good); {@link #update} says so by returning false.
 *
 * <p>Not thread-safe; one instance belongs to one entity on one stream thread.
 *
 * <p>It also keeps each feature's lowest and highest value seen, for the range check ({@link #outOfRange}) that
 * NAB measurements found worth most of the score (nab-findings.md): a value well outside everything the entity
 * has shown is anomalous whatever the model says.
 *
 * <p>Byte form (big-endian): format byte {@code 1}, F as unsigned short, the step count as long, then F
 * means and F variances as float64, then F minimums and F maximums as float32: {@code 11 + 24·F} bytes. The
 * spec is not stored (the model gives it).
 */
public final class EntityStats {
    private static final byte FORMAT = 1;
    private static final int HEADER = 11;
    private static final int BYTES_PER_FEATURE = 24;

    private final SeriesSpec spec;
    private final double alpha;
    private final double[] mean;
    private final double[] var;
    private final float[] min;
    private final float[] max;
    private long count;

    /** Statistics of an entity with no step seen yet. */
    public EntityStats(SeriesSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.alpha = spec.alpha();
        this.mean = new double[spec.features()];
        this.var = new double[spec.features()];
        this.min = new float[spec.features()];
        this.max = new float[spec.features()];
    }

    public SeriesSpec spec() {
        return spec;
    }

    /** Steps added so far. */
    public long count() {
        return count;
    }

    /** Adds one step (its first F values). */
    public boolean update(float[] step) {
        return update(step, 0);
    }

    /**
     * Adds the step {@code step[offset..offset+F)}.
     *
     * @return false, changing nothing, when a value is NaN or infinite
     */
    public boolean update(float[] step, int offset) {
        int f = mean.length;
        if (step.length - offset < f) {
            throw new IllegalArgumentException("a step needs " + f + " values, got " + (step.length - offset));
        }
        for (int j = 0; j < f; j++) {
            if (!Float.isFinite(step[offset + j])) {
                return false;
            }
        }
        count++;
        double w = Math.max(alpha, 1.0 / count);
        for (int j = 0; j < f; j++) {
            double d = step[offset + j] - mean[j];
            mean[j] += w * d;
            var[j] = (1 - w) * (var[j] + w * d * d);
            float x = step[offset + j];
            min[j] = count == 1 ? x : Math.min(min[j], x);
            max[j] = count == 1 ? x : Math.max(max[j], x);
        }
        return true;
    }

    /**
     * Whether the step {@code step[offset..offset+F)} lies outside the range of everything this entity showed
     * before it, widened by {@code margin} times that range on each side, in any feature: {@code hi > lo} and
     * {@code x > hi + margin·(hi − lo)} or {@code x < lo − margin·(hi − lo)}. False while a feature has shown only
     * one value (no range yet) and for an entity with no step yet. Call it before {@link #update}.
     */
    public boolean outOfRange(float[] step, int offset, double margin) {
        return outOfRange(step, offset, min.length, margin);
    }

    /**
     * {@link #outOfRange(float[], int, double)} over the first {@code count} features only (with seasonal
     * residuals: the R raw values, which come first in a step).
     */
    public boolean outOfRange(float[] step, int offset, int count, double margin) {
        if (this.count == 0) {
            return false;
        }
        for (int j = 0; j < count; j++) {
            double lo = min[j];
            double hi = max[j];
            double x = step[offset + j];
            if (hi > lo && (x > hi + margin * (hi - lo) || x < lo - margin * (hi - lo))) {
                return true;
            }
        }
        return false;
    }

    /** Lowest value of feature {@code j} seen (0 before any step). */
    public float min(int j) {
        return min[j];
    }

    /** Highest value of feature {@code j} seen (0 before any step). */
    public float max(int j) {
        return max[j];
    }

    /** The mean of feature {@code j} as the model sees it (float32). */
    public float mean(int j) {
        return spec.normalisation() == Normalisation.NONE || count == 0 ? 0f : (float) mean[j];
    }

    /** The scale of feature {@code j} as the model sees it (float32, floored, positive). */
    public float scale(int j) {
        if (spec.normalisation() == Normalisation.NONE || count == 0) {
            return 1f;
        }
        double s = Math.max(Math.sqrt(var[j]), Math.max(spec.scaleFloor(), spec.relativeFloor() * Math.abs(mean[j])));
        float fs = (float) s;
        return fs > 0 && Float.isFinite(fs) ? fs : Float.MIN_NORMAL;
    }

    /**
     * Writes this entity's row of the {@code entity_stats} input: F means at {@code dst[offset..offset+F)}, then F
     * scales at {@code dst[offset+F..offset+2F)} (the [2][F] layout of one row of [N,2,F]).
     */
    public void writeMeanScale(float[] dst, int offset) {
        int f = mean.length;
        for (int j = 0; j < f; j++) {
            dst[offset + j] = mean(j);
            dst[offset + f + j] = scale(j);
        }
    }

    /** A copy with its own state (the builder snapshots statistics before each step). */
    public EntityStats copy() {
        EntityStats c = new EntityStats(spec);
        c.count = count;
        System.arraycopy(mean, 0, c.mean, 0, mean.length);
        System.arraycopy(var, 0, c.var, 0, var.length);
        System.arraycopy(min, 0, c.min, 0, min.length);
        System.arraycopy(max, 0, c.max, 0, max.length);
        return c;
    }

    /** The byte form described in the class Javadoc. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(encodedSize());
        writeTo(b);
        return b.array();
    }

    /** Length of {@link #toBytes()}. */
    public int encodedSize() {
        return HEADER + BYTES_PER_FEATURE * mean.length;
    }

    /** Writes {@link #toBytes()} at {@code b}'s position. */
    public void writeTo(ByteBuffer b) {
        b.put(FORMAT).putShort((short) mean.length).putLong(count);
        putValues(b);
    }

    /**
     * Writes the F means and F variances (float64), then the F minimums and F maximums (float32), with no header
     * ({@code 24·F} bytes), at {@code b}'s position: the part of an entity state's compact form whose count and F
     * the state's own header gives. Nothing is written before the first step ({@link #count()} 0: all are zero).
     */
    public void writeValuesTo(ByteBuffer b) {
        if (count == 0) {
            return;
        }
        putValues(b);
    }

    /** The F means and variances (float64), then the F minimums and maximums (float32): the tail of both forms. */
    private void putValues(ByteBuffer b) {
        for (double m : mean) {
            b.putDouble(m);
        }
        for (double v : var) {
            b.putDouble(v);
        }
        for (float v : min) {
            b.putFloat(v);
        }
        for (float v : max) {
            b.putFloat(v);
        }
    }

    /** Reads what {@link #putValues} wrote into this instance's arrays, advancing {@code b}. */
    private void getValues(ByteBuffer b) {
        int f = mean.length;
        for (int j = 0; j < f; j++) {
            mean[j] = b.getDouble();
        }
        for (int j = 0; j < f; j++) {
            var[j] = b.getDouble();
        }
        for (int j = 0; j < f; j++) {
            min[j] = b.getFloat();
        }
        for (int j = 0; j < f; j++) {
            max[j] = b.getFloat();
        }
    }

    /** Length of what {@link #writeValuesTo} writes. */
    public int valuesSize() {
        return count == 0 ? 0 : BYTES_PER_FEATURE * mean.length;
    }

    /** Reads what {@link #writeValuesTo} wrote for {@code count} steps, advancing {@code b}. */
    public static EntityStats readValues(SeriesSpec spec, long count, ByteBuffer b) {
        if (count < 0) {
            throw new IllegalArgumentException("corrupt entity statistics: count=" + count);
        }
        EntityStats s = new EntityStats(spec);
        s.count = count;
        if (count == 0) {
            return s;
        }
        s.getValues(b);
        return s;
    }

    /**
     * Reads {@link #toBytes()} for an entity of a model with {@code spec}.
     *
     * @throws IllegalArgumentException if the bytes are not statistics of this format and of F features
     */
    public static EntityStats fromBytes(SeriesSpec spec, byte[] bytes) {
        Objects.requireNonNull(spec, "spec");
        if (bytes == null || bytes.length < HEADER || bytes[0] != FORMAT) {
            throw new IllegalArgumentException("not entity statistics (format " + FORMAT + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.get();
        int f = Short.toUnsignedInt(b.getShort());
        long n = b.getLong();
        if (f != spec.features() || n < 0 || bytes.length != HEADER + BYTES_PER_FEATURE * f) {
            throw new IllegalArgumentException("corrupt entity statistics: F=" + f + " (model has " + spec.features()
                    + "), count=" + n + " in " + bytes.length + " bytes");
        }
        EntityStats s = new EntityStats(spec);
        s.count = n;
        s.getValues(b);
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EntityStats e && e.spec.equals(spec) && e.count == count && Arrays.equals(e.mean, mean)
                && Arrays.equals(e.var, var) && Arrays.equals(e.min, min) && Arrays.equals(e.max, max);
    }

    @Override
    public int hashCode() {
        return Objects.hash(spec, count, Arrays.hashCode(mean), Arrays.hashCode(var));
    }

    @Override
    public String toString() {
        return "EntityStats[" + spec.normalisation().label() + ", n=" + count + ", mean=" + Arrays.toString(mean) + "]";
    }
}
