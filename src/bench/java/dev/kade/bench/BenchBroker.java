package dev.kade.bench;

import dev.kade.kafka.EmbeddedKafka;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node KRaft broker as its own process, as production runs one: {@code BenchBroker DIR BROKER_PORT
 * CONTROLLER_PORT}. It formats {@code DIR} and serves until killed; prints {@value #READY} once it serves.
 * {@link StreamProcessBenchmark} starts it, so that the broker's work is not charged to, nor competes inside, an
 * app's JVM. The settings are the in-process broker's ({@link EmbeddedKafka#brokerProperties}).
 */
public final class BenchBroker {
    static final String READY = "BENCH BROKER READY";

    private BenchBroker() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        Properties p = EmbeddedKafka.brokerProperties(dir, Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        p.put("auto.create.topics.enable", "false");
        Path file = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "kade stream-process benchmark broker");
        }
        int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", file.toString(),
            "--standalone", "--ignore-formatted"}, System.out);
        if (rc != 0) {
            throw new IllegalStateException("format failed: " + rc);
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
        server.startup();
        System.out.println(READY);
        System.out.flush();
        server.awaitShutdown();
    }
}
