package dev.kade.archfixture.kafka;

/** Stands for the in-process broker ({@code dev.kade.kafka}) in the fixtures. */
public final class Broker {
    private Broker() {
    }

    public static void start() {
        // nothing: only the dependency on this class matters
    }
}
