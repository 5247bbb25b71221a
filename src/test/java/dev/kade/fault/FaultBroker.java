package dev.kade.fault;

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
 * A single-node KRaft broker as its own process, for the fault suite: {@code FaultBroker DIR BROKER_PORT
 * CONTROLLER_PORT}. It formats {@code DIR} the first time and reuses it after, so the suite can
 * {@code kill -9} it and start it again on the same log and ports, as a restarted broker pod would.
 * Prints {@value #READY} once it serves.
 */
public final class FaultBroker {
    static final String READY = "FAULT BROKER READY";

    private FaultBroker() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int brokerPort = Integer.parseInt(args[1]);
        int controllerPort = Integer.parseInt(args[2]);
        Files.createDirectories(dir);
        Properties p = EmbeddedKafka.brokerProperties(dir, brokerPort, controllerPort);
        p.put("auto.create.topics.enable", "false");
        Path file = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "kade fault-suite broker");
        }
        if (!Files.exists(dir.resolve("log").resolve("meta.properties"))) {
            int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", file.toString(),
                "--standalone", "--ignore-formatted"}, System.out);
            if (rc != 0) {
                throw new IllegalStateException("format failed: " + rc);
            }
        }
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
        server.startup();
        System.out.println(READY);
        System.out.flush();
        server.awaitShutdown();
    }
}
