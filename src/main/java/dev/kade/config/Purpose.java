package dev.kade.config;

import java.util.Set;

/**
 * What settings are read for: each command asks only for what it uses, so that {@code kade topics} needs
 * no {@value KadeConfig#MODEL_PATH}. Every setting that is given is still validated.
 */
public enum Purpose {
    /** {@code kade run} and {@code kade demo}: everything scoring needs. */
    SCORING(Set.of()),
    /** {@code kade topics}: Kafka and the topics; no model. */
    TOPICS(Set.of(KadeConfig.MODEL_PATH));

    private final Set<String> optional;

    Purpose(Set<String> optional) {
        this.optional = optional;
    }

    /** Required settings this purpose does not need: they may be left unset. */
    public Set<String> optional() {
        return optional;
    }
}
