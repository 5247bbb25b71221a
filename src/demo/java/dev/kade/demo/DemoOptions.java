package dev.kade.demo;

import dev.kade.config.ProcessingGuarantee;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Checks every demo option before any work, so a bad one costs no training and no broker start (about 9 s)
 * and reads as one line, not a stack trace.
 */
final class DemoOptions {
    private DemoOptions() {
    }

    /** The first problem with the options, as one line naming the option; empty when all are usable. */
    static Optional<String> problem(int records, int malformedEvery, String kind, String guarantee, int metricsPort,
                                    int trickleRate, Path workDir) {
        if (records < 1) {
            return Optional.of("--records " + records + ": must be >= 1");
        }
        if (malformedEvery < 0) {
            return Optional.of("--malformed-every " + malformedEvery + ": must be >= 0 (0 = none)");
        }
        String k = kind.trim().toLowerCase(Locale.ROOT);
        if (!k.equals("ae") && !k.equals("vae")) {
            return Optional.of("--kind " + kind + ": must be ae or vae");
        }
        String g = guarantee.trim().toLowerCase(Locale.ROOT);
        if (Stream.of(ProcessingGuarantee.values()).map(ProcessingGuarantee::streamsValue).noneMatch(g::equals)) {
            return Optional.of("--processing-guarantee " + guarantee + ": must be exactly_once_v2 or at_least_once");
        }
        if (trickleRate < 1) {
            return Optional.of("--trickle-rate " + trickleRate + ": must be >= 1");
        }
        if (metricsPort < 0 || metricsPort > 65535) {
            return Optional.of("--metrics-port " + metricsPort + ": must be 0..65535");
        }
        if (metricsPort > 0) {
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress(metricsPort));
            } catch (IOException e) {
                return Optional.of("--metrics-port " + metricsPort + ": port is in use (" + e.getMessage()
                        + "); choose another, or 0 for any free port");
            }
        }
        if (workDir != null && Files.exists(workDir) && (!Files.isDirectory(workDir) || !Files.isWritable(workDir))) {
            return Optional.of("--work-dir " + workDir + ": not a writable directory");
        }
        return Optional.empty();
    }

    /** Options of the per-record demo that {@code --series} does not take. */
    static final java.util.List<String> NOT_FOR_SERIES = java.util.List.of("--records", "--duration", "--kind",
            "--keep-running", "--trickle-rate");

    /** The first option given with {@code --series} that does not apply to it, as one line; empty when none. */
    static Optional<String> notForSeries(picocli.CommandLine.ParseResult given) {
        return NOT_FOR_SERIES.stream().filter(given::hasMatchedOption).findFirst()
                .map(o -> o + " does not apply to --series (the time-series demo streams its shipped NAB series once "
                        + "with the NAB benchmark's model)");
    }

    /** Deletes a directory tree, best effort: a file that cannot be deleted stays. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a leftover file in a temp dir is not worth failing the demo for
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
