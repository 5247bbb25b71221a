package dev.kade.series;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a windowed model's seasonal residual features are made ({@link SeasonalProfile}): each raw feature x
 * gets a second feature {@code x~season} = x minus the entity's running profile value for the record's hour of
 * the week (or, while that bin is still empty, its hour of the day). Measured on NAB (nab-findings v4): 72.0
 * standard against 56.6 for the value alone.
 *
 * @param weekBins bins per week (168 = hours of the week); a record in second-of-week s falls in bin
 *                 {@code floor(s·weekBins / 604800)}, Monday 00:00 first
 * @param dayBins  bins per day for the fallback profile (24 = hours); 0 = no fallback
 * @param alpha    smallest update weight: a bin's value moves by {@code max(alpha, 1/count)·(x − value)}
 * @param zone     the zone in which a record's time gives its weekday and time of day
 */
public record SeasonalSpec(int weekBins, int dayBins, double alpha, ZoneId zone) {
    /** Metadata key of {@link #weekBins()}; its presence makes a model seasonal. */
    public static final String KEY_WEEK_BINS = "kade.series.seasonal.week_bins";
    /** Metadata key of {@link #dayBins()}. */
    public static final String KEY_DAY_BINS = "kade.series.seasonal.day_bins";
    /** Metadata key of {@link #alpha()}. */
    public static final String KEY_ALPHA = "kade.series.seasonal.alpha";
    /** Metadata key of {@link #zone()} (a {@link ZoneId} string, e.g. {@code UTC}). */
    public static final String KEY_ZONE = "kade.series.seasonal.zone";
    /** Suffix naming a residual feature: {@code value} → {@code value~season}. */
    public static final String SUFFIX = "~season";

    public SeasonalSpec {
        Objects.requireNonNull(zone, "zone");
        if (weekBins < 1 || weekBins > 604800) {
            throw new IllegalArgumentException(KEY_WEEK_BINS + " must be 1..604800, got " + weekBins);
        }
        if (dayBins < 0 || dayBins > 86400) {
            throw new IllegalArgumentException(KEY_DAY_BINS + " must be 0..86400, got " + dayBins);
        }
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException(KEY_ALPHA + " must be in (0, 1], got " + alpha);
        }
    }

    /** nab-findings v4: hour of week, hour-of-day fallback, alpha 0.1, UTC. */
    public static SeasonalSpec hourOfWeek(ZoneId zone) {
        return new SeasonalSpec(168, 24, 0.1, zone);
    }

    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KEY_WEEK_BINS, Integer.toString(weekBins));
        m.put(KEY_DAY_BINS, Integer.toString(dayBins));
        m.put(KEY_ALPHA, Double.toString(alpha));
        m.put(KEY_ZONE, zone.getId());
        return m;
    }

    /**
     * The seasonal spec in {@code metadata}, or null when {@link #KEY_WEEK_BINS} is absent.
     *
     * @throws IllegalArgumentException naming the malformed key
     */
    public static SeasonalSpec fromMetadata(Map<String, String> metadata) {
        String week = metadata.get(KEY_WEEK_BINS);
        if (week == null || week.isBlank()) {
            return null;
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(metadata.getOrDefault(KEY_ZONE, "UTC").trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(KEY_ZONE + " is not a time zone: " + metadata.get(KEY_ZONE));
        }
        return new SeasonalSpec(integer(metadata, KEY_WEEK_BINS, 168), integer(metadata, KEY_DAY_BINS, 0),
                number(metadata, KEY_ALPHA, 0.1), zone);
    }

    private static int integer(Map<String, String> m, String key, int dflt) {
        String v = m.get(key);
        try {
            return v == null || v.isBlank() ? dflt : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not an integer: " + v);
        }
    }

    private static double number(Map<String, String> m, String key, double dflt) {
        String v = m.get(key);
        try {
            return v == null || v.isBlank() ? dflt : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not a number: " + v);
        }
    }
}
