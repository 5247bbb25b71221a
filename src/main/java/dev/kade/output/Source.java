package dev.kade.output;

import java.util.Objects;

/** Where an input record came from: every output names it, so a consumer can find and deduplicate. */
public record Source(String topic, int partition, long offset) {
    public static final Source UNKNOWN = new Source("unknown", -1, -1);

    public Source {
        Objects.requireNonNull(topic, "topic");
    }
}
