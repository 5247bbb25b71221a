package dev.kade.fault;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** A {@link FaultBroker} in its own process that can be killed and started again on the same log and ports. */
final class BrokerProcess implements AutoCloseable {
    private final Path dir;
    private final int brokerPort;
    private final int controllerPort;
    private ChildJvm jvm;

    private BrokerProcess(Path dir, int brokerPort, int controllerPort) {
        this.dir = dir;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
    }

    static BrokerProcess start(Path dir) throws IOException, InterruptedException {
        BrokerProcess b = new BrokerProcess(dir, freePort(), freePort());
        b.startProcess();
        return b;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    /** Starts the broker (again) on the same directory and ports; returns once it says it serves. */
    void startProcess() throws IOException, InterruptedException {
        Path log = dir.resolveSibling(dir.getFileName() + ".log");
        long from = java.nio.file.Files.exists(log) ? java.nio.file.Files.readString(log).length() : 0;
        jvm = ChildJvm.start(log, Map.of(), FaultBroker.class.getName(),
                List.of(dir.toString(), Integer.toString(brokerPort), Integer.toString(controllerPort)));
        if (jvm.awaitLog(Pattern.compile(Pattern.quote(FaultBroker.READY) + "\\s*$", Pattern.MULTILINE), from,
                Duration.ofSeconds(90)).isEmpty()) {
            throw new IllegalStateException("broker did not start; see " + jvm.log());
        }
    }

    /** {@code kill -9} the broker. */
    void kill9() throws InterruptedException {
        jvm.kill9();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (jvm != null) {
            jvm.close();
        }
    }
}
