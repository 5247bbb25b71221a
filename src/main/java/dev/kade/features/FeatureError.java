package dev.kade.features;

import java.util.Locale;

/**
 * Why a record could not be turned into features. Each value is a dead-letter reason and a bounded
 * metric tag ({@link #label()}), so the set is closed on purpose.
 */
public enum FeatureError {
    /** The record value is null or empty (a tombstone, for instance). */
    EMPTY_VALUE,
    /** The bytes are not parseable JSON. */
    NOT_JSON,
    /** The JSON is valid but not an object. */
    NOT_AN_OBJECT,
    /** A feature the model needs is absent or null. */
    MISSING_FEATURE,
    /** A feature is present but not a number (nor a string holding one). */
    NON_NUMERIC,
    /** A feature is NaN or infinite, or overflows float32. */
    NON_FINITE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
