package dev.kade.incident;

import java.util.Locale;
import java.util.Optional;

/** What an alert consumer says about an incident (the {@code label} of a feedback record; docs/alerting.md). */
public enum FeedbackLabel {
    /** Not a real problem: the entity's bar for opening an incident is raised. */
    FALSE_POSITIVE,
    /** A real problem: kept and counted (precision), no change to detection. */
    TRUE_POSITIVE,
    /** What the entity does now is its normal: treated like a false positive by the incident bar (docs/alerting.md). */
    NEW_NORMAL;

    /** The wire form: the name in lower case ({@code false_positive}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The label of a wire form, or empty for text that is none. */
    public static Optional<FeedbackLabel> ofLabel(String text) {
        for (FeedbackLabel l : values()) {
            if (l.label().equals(text)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }
}
