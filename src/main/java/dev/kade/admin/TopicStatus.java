package dev.kade.admin;

import java.util.Objects;

/**
 * One of kade's topics as the cluster has it.
 *
 * @param name              topic name
 * @param role              what it is to kade
 * @param state             whether it existed, was created now, or is missing
 * @param partitions        partition count (0 when missing)
 * @param replicationFactor replicas of partition 0 (0 when missing)
 */
public record TopicStatus(String name, TopicRole role, State state, int partitions, int replicationFactor) {
    /** Whether the topic is there now. */
    public enum State { EXISTS, CREATED, MISSING }

    public TopicStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(state, "state");
    }

    public boolean present() {
        return state != State.MISSING;
    }
}
