package dev.kade.archfixture.app;

import dev.kade.archfixture.kafka.Broker;

/** Breaks "no product class depends on the broker". */
public final class StartsBroker {
    private StartsBroker() {
    }

    static void run() {
        Broker.start();
    }
}
