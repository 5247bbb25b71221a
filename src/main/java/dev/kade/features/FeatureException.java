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

    public FeatureError error() {
        return error;
    }

    /** The feature at fault, when the failure is about one feature. */
    public Optional<String> feature() {
        return Optional.ofNullable(feature);
    }
}
