package dev.kade.features;

import java.util.Objects;
import java.util.Optional;

/** A record that cannot become a feature vector, with the reason and, where one is to blame, the feature. */
public final class FeatureException extends Exception {
    private static final long serialVersionUID = 1L;

    private final FeatureError error;
    private final String feature;

    public FeatureException(FeatureError error, String feature, String message) {
        super(message);
        this.error = Objects.requireNonNull(error, "error");
        this.feature = feature;
    }

    /**
     * A value that is not JSON, with Jackson's reason in plain words and where the parser stopped. Jackson's
     * own messages name their source ("[Source: REDACTED (StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION
     * disabled); line: 1, column: 2]"), which means nothing to whoever reads a dead letter: only line and
     * column are kept.
     */
    public static FeatureException notJson(com.fasterxml.jackson.core.JsonProcessingException e) {
        String reason = JACKSON_LOCATION.matcher(String.valueOf(e.getOriginalMessage()))
                .replaceAll("line $1, column $2").strip();
        com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? ""
                : " (at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return new FeatureException(FeatureError.NOT_JSON, null, "value is not JSON: " + reason + where);
    }

    private static final java.util.regex.Pattern JACKSON_LOCATION =
            java.util.regex.Pattern.compile("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]");

    public FeatureError error() {
        return error;
    }

    /** The feature at fault, when the failure is about one feature. */
    public Optional<String> feature() {
        return Optional.ofNullable(feature);
    }
}
