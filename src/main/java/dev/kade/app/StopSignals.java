package dev.kade.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM and SIGINT into a stop request instead of a JVM shutdown, so that {@code kade run} can
 * close on its main thread and exit 0 (a JVM stopped by a signal exits 143 or 130). Uses
 * {@code sun.misc.Signal} from the {@code jdk.unsupported} module, which every JDK and a jlink image with
 * that module carry; where it is missing, signals keep their default meaning.
 */
final class StopSignals {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {
    }

    /** Installs handlers for TERM and INT that run {@code onStop}; false when they could not be installed. */
    static boolean install(Runnable onStop) {
        try {
            for (String name : new String[] {"TERM", "INT"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    LOG.info("SIG{} received: stopping", signal.getName());
                    onStop.run();
                });
            }
            return true;
        } catch (LinkageError | IllegalArgumentException | UnsupportedOperationException e) {
            LOG.warn("cannot handle stop signals ({}); a SIGTERM will end the JVM through its shutdown hook", e.toString());
            return false;
        }
    }
}
