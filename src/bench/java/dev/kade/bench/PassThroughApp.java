package dev.kade.bench;

import dev.kade.app.StreamsRunner;
import dev.kade.app.StreamsSetup;
import dev.kade.config.KadeConfig;
import dev.kade.health.CrashLoopDetector;
import dev.kade.health.HealthMonitor;
import dev.kade.stream.ScoringTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The pass-through app of {@link StreamProcessBenchmark} as its own process: {@code PassThroughApp CONFIG_FILE [stateful]}.
 * It reads the same properties file as {@code kade run --config}, and runs {@link ScoringTopology#passThrough}
 * (every input record copied to {@code alert.topic}, no parsing) with the same Kafka Streams settings
 * ({@link StreamsSetup#properties(KadeConfig)}), so that the two processes differ only in what kade does per record.
 * With {@code stateful}, it runs {@link StatefulPassThrough} instead: the same copy, plus a per-key read and write of a
 * changelogged RocksDB store (the windowed benchmark's reference for what per-entity state costs in Kafka Streams).
 * Runs until SIGTERM, then closes Kafka Streams.
 */
public final class PassThroughApp {
    private PassThroughApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        KadeConfig config = KadeConfig.load(Optional.of(Path.of(args[0])), Map.of(), Map.of());
        boolean stateful = args.length > 1 && "stateful".equals(args[1]);
        StreamsRunner runner = new StreamsRunner(stateful ? StatefulPassThrough.topology(StreamsSetup.topics(config))
                : ScoringTopology.passThrough(StreamsSetup.topics(config)),
                StreamsSetup.properties(config), Duration.ofSeconds(30), s -> { },
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
