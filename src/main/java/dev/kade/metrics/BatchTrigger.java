package dev.kade.metrics;

/**
 * What made the stream score its buffered records: the {@code trigger} tag of {@code kade_batches_total}.
 * Mostly {@link #SIZE} under load; mostly {@link #WAIT} or {@link #COMMIT} on a trickle.
 */
public enum BatchTrigger {
    /** The batch reached {@code batch.max.records} (every record, when that is 1). */
    SIZE("size"),
    /** Its oldest record waited {@code batch.max.wait.ms}. */
    WAIT("wait"),
    /** Kafka Streams was about to commit the task's offsets. */
    COMMIT("commit");

    private final String label;

    BatchTrigger(String label) {
        this.label = label;
    }

    /** The tag value. */
    public String label() {
        return label;
    }
}
