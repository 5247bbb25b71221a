package dev.kade.admin;

/** What a topic is to kade; decides whether kade may create it and which ACL it needs. */
public enum TopicRole {
    /** Records to score: read. Never created by {@code run}: a missing input is a deployment error. */
    INPUT("input", false),
    /** Anomalies: written. */
    ALERTS("alerts", true),
    /** Every score (optional): written. */
    SCORES("scores", true),
    /** Records that could not be scored: written. */
    DEAD_LETTERS("dead letters", true);

    private final String label;
    private final boolean output;

    TopicRole(String label, boolean output) {
        this.label = label;
        this.output = output;
    }

    public String label() {
        return label;
    }

    /** Whether kade writes it (and {@code topics.create=true} may create it). */
    public boolean output() {
        return output;
    }
}
