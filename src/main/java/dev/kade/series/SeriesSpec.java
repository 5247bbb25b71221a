package dev.kade.series;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a windowed model expects of the stream: the window length {@code window} (W steps, the scored record
 * last), the number of features per step {@code features} (F), and how each entity's running statistics are
 * kept ({@link Normalisation} and its parameters). Written into the model's ONNX metadata by the trainer
 * ({@link #toMetadata()}) and read back by the stream ({@link #fromMetadata}), so that both build exactly the
 * same {@link EntityWindow} and {@link EntityStats}.
 *
 * @param window        W, steps per window, at least 2
 * @param features      F, features per step the model reads, at least 1: with {@code seasonal}, the R raw
 *                      features followed by their R residuals (F = 2R); otherwise the raw features
 * @param normalisation how the per-entity mean and scale are kept
 * @param halfLife      half-life of {@link Normalisation#EWM} in steps (ignored by the other modes), positive
 * @param scaleFloor    absolute lower bound of the scale, positive: a constant entity (a stuck sensor) gets
 *                      this scale instead of dividing by zero
 * @param relativeFloor lower bound of the scale relative to |mean|, at least 0: an entity at 10 000 that moved
 *                      by 0.01 for a while is not blown up to thousands of standard deviations
 * @param clip          normalised values are clipped to [−clip, clip] before the network sees them (0 = no
 *                      clipping), so one wild value cannot dominate the window's score for ever
 * @param seasonal      when present, each step holds the raw values and their seasonal residuals
 *                      ({@link SeasonalProfile}); the model's feature names are then the R raw names followed by
 *                      the same names with {@link SeasonalSpec#SUFFIX}
 */
public record SeriesSpec(int window, int features, Normalisation normalisation, double halfLife, double scaleFloor,
                         double relativeFloor, double clip, Optional<SeasonalSpec> seasonal) {

    /** Metadata key of W; absent (or 1) means a per-record model. */
    public static final String KEY_WINDOW = "kade.window";
    /** Metadata key of the normalisation mode ({@link Normalisation#label()}). */
    public static final String KEY_STATS = "kade.series.stats";
    /** Metadata key of the EWM half-life in steps. */
    public static final String KEY_HALF_LIFE = "kade.series.half_life";
    /** Metadata key of the absolute scale floor. */
    public static final String KEY_SCALE_FLOOR = "kade.series.scale_floor";
    /** Metadata key of the scale floor relative to |mean|. */
    public static final String KEY_RELATIVE_FLOOR = "kade.series.relative_floor";
    /** Metadata key of the clipping bound of normalised values (0 = none). */
    public static final String KEY_CLIP = "kade.series.clip";

    /** Default normalisation: cumulative beat EWM (half-life 2000) on NAB (nab-findings.md, v1). */
    public static final Normalisation DEFAULT_NORMALISATION = Normalisation.CUMULATIVE;
    /** Default half-life in steps, for {@link Normalisation#EWM}. */
    public static final double DEFAULT_HALF_LIFE = 2000;
    /** Default absolute scale floor. */
    public static final double DEFAULT_SCALE_FLOOR = 1e-6;
    /** Default scale floor relative to |mean|. */
    public static final double DEFAULT_RELATIVE_FLOOR = 1e-3;
    /** Default clipping bound of normalised values. */
    public static final double DEFAULT_CLIP = 10;

    public SeriesSpec {
        Objects.requireNonNull(normalisation, "normalisation");
        Objects.requireNonNull(seasonal, "seasonal");
        if (seasonal.isPresent() && features % 2 != 0) {
            throw new IllegalArgumentException("a seasonal model has two features per raw feature (value, residual), got "
                    + features);
        }
        if (window < 2) {
            throw new IllegalArgumentException(KEY_WINDOW + " must be at least 2, got " + window);
        }
        if (window > 0xFFFF) {
            throw new IllegalArgumentException(KEY_WINDOW + " must be at most 65535, got " + window);
        }
        if (features < 1 || features > 0xFFFF) {
            throw new IllegalArgumentException("features per step must be 1..65535, got " + features);
        }
        if (!(halfLife > 0) || Double.isNaN(halfLife)) {
            throw new IllegalArgumentException(KEY_HALF_LIFE + " must be positive, got " + halfLife);
        }
        if (!(scaleFloor > 0) || !Double.isFinite(scaleFloor)) {
            throw new IllegalArgumentException(KEY_SCALE_FLOOR + " must be positive and finite, got " + scaleFloor);
        }
        if (!(relativeFloor >= 0) || !Double.isFinite(relativeFloor)) {
            throw new IllegalArgumentException(KEY_RELATIVE_FLOOR + " must be finite and at least 0, got " + relativeFloor);
        }
        if (!(clip >= 0) || !Double.isFinite(clip)) {
            throw new IllegalArgumentException(KEY_CLIP + " must be finite and at least 0 (0 = no clipping), got " + clip);
        }
    }

    /** A spec without seasonal features. */
    public SeriesSpec(int window, int features, Normalisation normalisation, double halfLife, double scaleFloor,
                      double relativeFloor, double clip) {
        this(window, features, normalisation, halfLife, scaleFloor, relativeFloor, clip, Optional.empty());
    }

    /** A spec without clipping or seasonal features. */
    public SeriesSpec(int window, int features, Normalisation normalisation, double halfLife, double scaleFloor,
                      double relativeFloor) {
        this(window, features, normalisation, halfLife, scaleFloor, relativeFloor, 0);
    }

    /** Raw features R per record the stream extracts: F/2 with seasonal residuals, else F. */
    public int rawFeatures() {
        return seasonal.isPresent() ? features / 2 : features;
    }

    /** The model's feature names for these raw feature names: with seasonal residuals {@code raw + raw~season}. */
    public static List<String> modelFeatures(List<String> raw, boolean seasonal) {
        List<String> out = new ArrayList<>(raw);
        if (seasonal) {
            for (String r : raw) {
                out.add(r + SeasonalSpec.SUFFIX);
            }
        }
        return out;
    }

    /** The raw feature names (what the stream reads from a record) among a windowed model's feature names. */
    public List<String> rawFeatureNames(List<String> modelFeatures) {
        return List.copyOf(modelFeatures.subList(0, rawFeatures()));
    }

    /** Same spec with seasonal residuals (F doubles) or without (F halves). */
    public SeriesSpec withSeasonal(Optional<SeasonalSpec> s) {
        int f = rawFeatures() * (s.isPresent() ? 2 : 1);
        return new SeriesSpec(window, f, normalisation, halfLife, scaleFloor, relativeFloor, clip, s);
    }

    /** A spec with the default normalisation, half-life, floors and clipping. */
    public static SeriesSpec of(int window, int features) {
        return new SeriesSpec(window, features, DEFAULT_NORMALISATION, DEFAULT_HALF_LIFE, DEFAULT_SCALE_FLOOR,
                DEFAULT_RELATIVE_FLOOR, DEFAULT_CLIP);
    }

    /** Same spec with another normalisation mode. */
    public SeriesSpec withNormalisation(Normalisation n, double newHalfLife) {
        return new SeriesSpec(window, features, n, newHalfLife, scaleFloor, relativeFloor, clip, seasonal);
    }

    /** Same spec with another clipping bound (0 = none). */
    public SeriesSpec withClip(double newClip) {
        return new SeriesSpec(window, features, normalisation, halfLife, scaleFloor, relativeFloor, newClip, seasonal);
    }

    /**
     * A raw value in normalised units as the model sees it: {@code (x − mean) / scale} in float32 (a float
     * subtraction, then a float division, as the ONNX graph computes it), clipped to ±{@link #clip()} when set.
     */
    public float normalise(float x, float mean, float scale) {
        float centred = x - mean;
        float z = centred / scale;
        if (clip > 0) {
            float c = (float) clip;
            z = Math.max(-c, Math.min(c, z));
        }
        return z;
    }

    /** Values per window, W·F. */
    public int width() {
        return window * features;
    }

    /**
     * Weight of the newest step in the EWM, {@code α = 1 − 2^(−1/halfLife)}; 0 for the cumulative mode (the
     * 1 / n weight then rules alone).
     */
    public double alpha() {
        return normalisation == Normalisation.EWM ? -Math.expm1(-Math.log(2) / halfLife) : 0;
    }

    /** Same spec with another window length. */
    public SeriesSpec withWindow(int w) {
        return new SeriesSpec(w, features, normalisation, halfLife, scaleFloor, relativeFloor, clip, seasonal);
    }

    /** Same spec with another number of features per step. */
    public SeriesSpec withFeatures(int f) {
        return new SeriesSpec(window, f, normalisation, halfLife, scaleFloor, relativeFloor, clip, seasonal);
    }

    /** The metadata entries of this spec (F is not written: the model's feature list gives it; R = F/2 when seasonal). */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KEY_WINDOW, Integer.toString(window));
        m.put(KEY_STATS, normalisation.label());
        m.put(KEY_HALF_LIFE, Double.toString(halfLife));
        m.put(KEY_SCALE_FLOOR, Double.toString(scaleFloor));
        m.put(KEY_RELATIVE_FLOOR, Double.toString(relativeFloor));
        m.put(KEY_CLIP, Double.toString(clip));
        seasonal.ifPresent(x -> m.putAll(x.toMetadata()));
        return m;
    }

    /**
     * The window W a model's metadata declares: 1 when {@link #KEY_WINDOW} is absent (a per-record model).
     *
     * @throws IllegalArgumentException naming the key when the value is not an integer at least 1
     */
    public static int windowOf(Map<String, String> metadata) {
        String w = metadata.get(KEY_WINDOW);
        if (w == null || w.isBlank()) {
            return 1;
        }
        try {
            int v = Integer.parseInt(w.trim());
            if (v < 1) {
                throw new IllegalArgumentException(KEY_WINDOW + " must be at least 1, got " + w);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(KEY_WINDOW + " is not an integer: " + w);
        }
    }

    /**
     * The spec of a windowed model from its metadata and its number of features per step. A model that
     * declares a window but no normalisation keys (a third-party model normalising on its own, without an
     * {@code entity_stats} input) gets {@link Normalisation#NONE}; absent parameters take their defaults, except
     * the clip, which is 0 (none) when absent.
     *
     * @throws IllegalArgumentException naming the key that is malformed, or when the model is not windowed
     */
    public static SeriesSpec fromMetadata(Map<String, String> metadata, int features) {
        int w = windowOf(metadata);
        if (w < 2) {
            throw new IllegalArgumentException("model is not windowed (" + KEY_WINDOW + " absent or 1)");
        }
        String mode = metadata.get(KEY_STATS);
        Normalisation n = mode == null ? Normalisation.NONE : parseMode(mode);
        return new SeriesSpec(w, features, n,
                number(metadata, KEY_HALF_LIFE, DEFAULT_HALF_LIFE),
                number(metadata, KEY_SCALE_FLOOR, DEFAULT_SCALE_FLOOR),
                number(metadata, KEY_RELATIVE_FLOOR, DEFAULT_RELATIVE_FLOOR),
                number(metadata, KEY_CLIP, 0),
                Optional.ofNullable(SeasonalSpec.fromMetadata(metadata)));
    }

    private static Normalisation parseMode(String mode) {
        try {
            return Normalisation.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(KEY_STATS + ": " + e.getMessage());
        }
    }

    private static double number(Map<String, String> m, String key, double dflt) {
        String v = m.get(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not a number: " + v);
        }
    }
}
