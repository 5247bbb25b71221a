package dev.kade.bench;

import dev.kade.app.StreamsRunner;
import dev.kade.app.StreamsSetup;
import dev.kade.config.KadeConfig;
import dev.kade.health.CrashLoopDetector;
import dev.kade.health.HealthMonitor;
import dev.kade.stream.ScoringTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.Topology;

/**
 * The pass-through app of {@link StreamProcessBenchmark} as its own process: {@code PassThroughApp CONFIG_FILE [stateful |
 * json FEATURE,FEATURE,...]}.
 * It reads the same properties file as {@code kade run --config}, and runs {@link ScoringTopology#passThrough}
 * (every input record copied to {@code alert.topic}, no parsing) with the same Kafka Streams settings
 * ({@link StreamsSetup#properties(KadeConfig)}), so that the two processes differ only in what kade does per record.
 * With {@code stateful}, it runs {@link StatefulPassThrough} instead: the same copy, plus a per-key read and write of a
 * changelogged RocksDB store (the windowed benchmark's reference for what per-entity state costs in Kafka Streams).
 * With {@code json} and the feature names, it runs {@link JsonScoreReference}: Jackson parses each record's features and
 * writes a score record (the per-record benchmark's reference for what JSON in and JSON out cost).
 * Runs until SIGTERM, then closes Kafka Streams.
 */
public final class PassThroughApp {
    private PassThroughApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        KadeConfig config = KadeConfig.load(Optional.of(Path.of(args[0])), Map.of(), Map.of());
        String reference = args.length > 1 ? args[1] : "";
        Topology topology = switch (reference) {
            case "stateful" -> StatefulPassThrough.topology(StreamsSetup.topics(config));
            case "json" -> JsonScoreReference.topology(StreamsSetup.topics(config), List.of(args[2].split(",")));
            case "" -> ScoringTopology.passThrough(StreamsSetup.topics(config));
            default -> throw new IllegalArgumentException("unknown reference app '" + reference + "' (stateful, json)");
        };
        StreamsRunner runner = new StreamsRunner(topology, StreamsSetup.properties(config), Duration.ofSeconds(30), s -> { },
                new CrashLoopDetector(3, HealthMonitor.Snapshot::none), () -> { });
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runner.close();
            closed.countDown();
        }, "pass-through-close"));
        runner.start();
        System.out.println("PASS-THROUGH STARTED");
        System.out.flush();
        closed.await();
    }
}
