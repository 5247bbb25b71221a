package dev.kade.features;

/**
 * How one JSON value becomes one feature value, shared by the tree path ({@link FeatureExtractor}) and
 * the streaming path ({@link RecordReader}) so both give the same number or the same error and message.
 */
final class FeatureValues {
    private FeatureValues() {
    }

    static FeatureException missing(String name) {
        return new FeatureException(FeatureError.MISSING_FEATURE, name, "feature '" + name + "' is missing");
    }

    /** A JSON value that is neither a number nor a string: {@code kind} is "boolean", "object", "array". */
    static FeatureException notANumber(String name, String kind) {
        return new FeatureException(FeatureError.NON_NUMERIC, name, "feature '" + name + "' is not a number but " + kind);
    }

    /** A JSON string: trimmed, then read as a decimal number. */
    static float fromText(String name, String text) throws FeatureException {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new FeatureException(FeatureError.MISSING_FEATURE, name, "feature '" + name + "' is empty");
        }
        double d;
        try {
            d = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new FeatureException(FeatureError.NON_NUMERIC, name,
                    "feature '" + name + "' is not a number: '" + abbreviate(t) + "'");
        }
        return finite(name, d);
    }

    /** A JSON number, as a double; it must be finite in float32. */
    static float finite(String name, double d) throws FeatureException {
        float f = (float) d;
        if (!Float.isFinite(f)) {
            throw new FeatureException(FeatureError.NON_FINITE, name, "feature '" + name + "' is not finite: " + d);
        }
        return f;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
