package dev.kade.fault;

import dev.kade.config.ProcessingGuarantee;
import dev.kade.testing.TestModels;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * One run of the fault suite for one processing guarantee, against a broker in its own process: kade runs
 * as {@code kade run} in its own process while input flows; it is killed with {@code kill -9} or stopped
 * with SIGTERM at random points and started again, the broker may be killed and restarted under it, and a
 * {@code read_committed} consumer counts every output by the input offset it answers. It measures the
 * time from each restart to the first new output, and what the health endpoints said.
 *
 * <p>Extension points: {@link Fault} lists the faults a plan is made of. The record-level cases (oversized,
 * deeply nested and huge-number records) and the hot-reload lies belong to their own suites
 * (ScoringTopologyTest, HotReloadIT); a case that must run against a real process and broker adds a
 * {@code Fault} here and its step in {@link #apply}.
 */
final class FaultScenario {
    /** What can be done to the running system. */
    enum Fault {
        /** {@code kill -9} kade and start it again at once. */
        KILL_KADE,
        /** SIGTERM kade (it must exit 0) and start it again. */
        SIGTERM_KADE,
        /** {@code kill -9} the broker; kade must answer 503 on /health/ready and 200 on /health/live; restart it. */
        KILL_BROKER
    }

    /**
     * One recovery: the fault; the time from the restart (process launch, or broker launch) to the first new
     * output; of that, the part from Kafka Streams' start (CREATED -> REBALANCING in kade's log) to the first
     * output, which is what the group protocol and transactions cost, without JVM and model start-up
     * (-1 when not a kade restart); how long /health/ready took to answer 503 (broker kill); the exit code;
     * the consumer group's members the broker still listed once the stopped process had exited (SIGTERM; -1
     * otherwise: a {@code kill -9}ed member stays until its session times out).
     */
    record Recovery(Fault fault, long restartToOutputMs, long streamsStartToOutputMs, long notReadyAfterMs, int exitCode,
                    int groupMembersAfterExit) {
    }

    /**
     * What a run found; {@code finalGroupMembers} are the group's members right after the final SIGTERM's exit. The
     * tally is taken after that exit, once the ledger has read each output partition to its end, so a duplicate
     * written at any time in the run, the last close included, is counted.
     */
    record Figures(ProcessingGuarantee guarantee, List<Recovery> recoveries, OutputLedger.Tally tally,
                   long stalledClientLiveMs, int finalExitCode, int finalGroupMembers, int inputPerSecond) {
        long kills() {
            return recoveries.stream().filter(r -> r.fault() == Fault.KILL_KADE).count();
        }

        List<Long> restartTimes(Fault fault) {
            return recoveries.stream().filter(r -> r.fault() == fault).map(Recovery::restartToOutputMs).toList();
        }

        String describe() {
            StringBuilder b = new StringBuilder("fault suite, ").append(guarantee.streamsValue()).append(": ");
            for (Fault f : Fault.values()) {
                List<Long> t = restartTimes(f);
                if (!t.isEmpty()) {
                    b.append(f).append(" restart->first output ms ").append(t)
                            .append(" (max ").append(t.stream().mapToLong(Long::longValue).max().orElse(0)).append(")");
                    List<Long> s = recoveries.stream().filter(r -> r.fault() == f && r.streamsStartToOutputMs() >= 0)
                            .map(Recovery::streamsStartToOutputMs).toList();
                    if (!s.isEmpty()) {
                        b.append(", of which Streams start->first output ms ").append(s);
                    }
                    b.append("; ");
                }
            }
            recoveries.stream().filter(r -> r.fault() == Fault.KILL_BROKER)
                    .forEach(r -> b.append("broker kill -> /health/ready 503 after ").append(r.notReadyAfterMs()).append(" ms; "));
            return b.append("inputs ").append(tally.expected()).append(", missing ").append(tally.missing())
                    .append(", duplicates ").append(tally.duplicates()).append(", outputs read ").append(tally.outputs())
                    .append("; /health/live with a stalled client ").append(stalledClientLiveMs).append(" ms").toString();
        }
    }

    static final int PARTITIONS = 2;

    private final BrokerProcess broker;
    private final Path dir;
    private final ProcessingGuarantee guarantee;
    private final String prefix;
    private final Random random;
    private final Map<String, String> extraSettings;

    FaultScenario(BrokerProcess broker, Path dir, ProcessingGuarantee guarantee, long seed, Map<String, String> extraSettings) {
        this.broker = broker;
        this.dir = dir;
        this.guarantee = guarantee;
        this.prefix = "fault-" + (guarantee == ProcessingGuarantee.AT_LEAST_ONCE ? "alos" : "eos");
        this.random = new Random(seed);
        this.extraSettings = Map.copyOf(extraSettings);
    }

    Figures run(List<Fault> plan, int inputPerSecond) throws Exception {
        createTopics();
        Path model = TestModels.writeModel(dir.resolve("model.onnx"), prefix + "-v1");
        Path config = writeConfig(model);
        Path log = dir.resolve("kade.log");
        String pod = prefix + "-0";
        List<Recovery> recoveries = new ArrayList<>();
        try (OutputLedger ledger = new OutputLedger(broker.bootstrapServers(), prefix + "-scores", prefix + "-dlq", PARTITIONS);
             InputFeeder feeder = new InputFeeder(broker.bootstrapServers(), prefix + "-in", PARTITIONS, inputPerSecond)) {
            current = KadeProcess.start(log, config, pod);
            try {
                require(current.awaitStatus("/health/ready", 200, Duration.ofSeconds(120)) >= 0, "kade never became ready", log);
                long stalledClientLiveMs = stalledClientProbe(current);
                for (Fault fault : plan) {
                    Thread.sleep(1000 + random.nextInt(2500)); // land the fault at a random point mid-stream
                    if (fault == Fault.KILL_KADE && guarantee == ProcessingGuarantee.AT_LEAST_ONCE) {
                        // the duplicate bound is a steady-state claim: a kill while kade catches up on input that
                        // queued during its start repeats one commit interval of that faster catch-up instead
                        require(awaitCaughtUp(ledger, feeder, inputPerSecond, Duration.ofSeconds(60)),
                                "kade did not catch up with the input before the kill", log);
                    }
                    recoveries.add(apply(fault, ledger, log, config, pod));
                }
                long[] ends = feeder.stop();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
                while (!ledger.complete(ends) && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                int exit = current.jvm().sigterm(Duration.ofSeconds(60));
                int members = groupMembers();
                require(ledger.awaitEndOfOutputs(Duration.ofSeconds(60)), "the ledger did not read the outputs to their end", log);
                OutputLedger.Tally tally = ledger.tally(ends);
                return new Figures(guarantee, recoveries, tally, stalledClientLiveMs, exit, members, inputPerSecond);
            } finally {
                current.close();
            }
        }
    }

    /** The kade process running now. */
    private KadeProcess current;

    private Recovery apply(Fault fault, OutputLedger ledger, Path log, Path config, String pod) throws Exception {
        KadeProcess kade = current;
        switch (fault) {
            case KILL_KADE, SIGTERM_KADE -> {
                int exit = 137;
                int members = -1;
                if (fault == Fault.KILL_KADE) {
                    kade.jvm().kill9();
                } else {
                    exit = kade.jvm().sigterm(Duration.ofSeconds(60));
                    members = groupMembers(); // at once: a member that did not leave stays for its session timeout (45 s)
                }
                long before = ledger.drain(Duration.ofMillis(500), Duration.ofSeconds(15));
                long logFrom = Files.readString(log).length();
                long t0 = System.nanoTime();
                current = KadeProcess.start(log, config, pod);
                OutputLedger.Arrival first = ledger.awaitOutputBeyond(before, Duration.ofSeconds(120));
                require(first != null, fault + ": no output within 120 s of the restart", log);
                long streamsStart = streamsStartWallMs(log, logFrom);
                return new Recovery(fault, (first.nanos() - t0) / 1_000_000,
                        streamsStart < 0 ? -1 : first.wallMs() - streamsStart, -1, exit, members);
            }
            case KILL_BROKER -> {
                broker.kill9();
                long notReady = kade.awaitStatus("/health/ready", 503, Duration.ofSeconds(60));
                require(notReady >= 0, "/health/ready stayed 200 with the broker down", log);
                KadeProcess.Answer ready = kade.get("/health/ready");
                require(ready.body().contains("broker"), "/health/ready gave no broker reason: " + ready.body(), log);
                require(kade.get("/health/live").status() == 200, "a broker outage must not fail liveness", log);
                require(kade.get("/metrics").body().contains("kade_broker_reachable{application=\"" + prefix + "-app\"} 0.0"),
                        "kade_broker_reachable is not 0 with the broker down", log);
                Thread.sleep(3000); // an outage, not a blip
                long before = ledger.drain(Duration.ofMillis(500), Duration.ofSeconds(5));
                long t0 = System.nanoTime();
                broker.startProcess();
                OutputLedger.Arrival first = ledger.awaitOutputBeyond(before, Duration.ofSeconds(180));
                require(first != null, "no output within 180 s of the broker restart", log);
                require(kade.awaitStatus("/health/ready", 200, Duration.ofSeconds(120)) >= 0,
                        "/health/ready did not come back after the broker", log);
                require(awaitMetric(kade, "kade_broker_reachable{application=\"" + prefix + "-app\"} 1.0", Duration.ofSeconds(30)),
                        "kade_broker_reachable did not return to 1 after the broker came back", log);
                require(kade.get("/health/live").status() == 200, "/health/live after the broker came back", log);
                return new Recovery(fault, (first.nanos() - t0) / 1_000_000, -1, notReady, -1, -1);
            }
            default -> throw new IllegalArgumentException(fault.toString());
        }
    }

    /** Waits until the outputs answer all but half a second of the input sent so far; false on timeout. */
    private static boolean awaitCaughtUp(OutputLedger ledger, InputFeeder feeder, int inputPerSecond, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ledger.inputsAnswered() >= feeder.sent() - inputPerSecond / 2) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** Polls /metrics until it contains {@code line}; false on timeout. */
    private static boolean awaitMetric(KadeProcess kade, String line, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (kade.get("/metrics").body().contains(line)) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** The members the broker lists in kade's consumer group (its application id) now. */
    private int groupMembers() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            return admin.describeConsumerGroups(List.of(prefix + "-app")).all().get(30, TimeUnit.SECONDS)
                    .get(prefix + "-app").members().size();
        }
    }

    /** A client that sends half a request and holds it must not delay /health/live for another client. */
    private static long stalledClientProbe(KadeProcess kade) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", kade.port()), 2000);
            OutputStream out = s.getOutputStream();
            out.write("GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long t0 = System.nanoTime();
            KadeProcess.Answer live = kade.get("/health/live");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (live.status() != 200) {
                throw new AssertionError("/health/live with a stalled client answered " + live);
            }
            return ms;
        }
    }

    private void createTopics() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : List.of("-in", "-scores", "-alerts", "-dlq")) {
                topics.add(new NewTopic(prefix + t, PARTITIONS, (short) 1));
            }
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
    }

    private Path writeConfig(Path model) throws IOException {
        StringBuilder b = new StringBuilder();
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("bootstrap.servers", broker.bootstrapServers());
        settings.put("application.id", prefix + "-app");
        settings.put("input.topics", prefix + "-in");
        settings.put("alert.topic", prefix + "-alerts");
        settings.put("scores.topic", prefix + "-scores");
        settings.put("dead.letter.topic", prefix + "-dlq");
        settings.put("model.path", model.toString());
        settings.put("processing.guarantee", guarantee.streamsValue());
        settings.put("metrics.port", "0");
        settings.put("shutdown.timeout.ms", "20000");
        settings.put("health.progress.timeout.ms", "10000");
        settings.put("kafka.state.dir", dir.resolve("state").toString());
        // batches that would wait long: only the pre-commit flush empties them, so kills land mid-batch
        settings.put("batch.max.wait.ms", "5000");
        settings.putAll(extraSettings);
        settings.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        Path file = dir.resolve("kade.properties");
        Files.writeString(file, b.toString());
        return file;
    }

    /** kade's text log line starts with the full local date and time ({@code KadeLogConfigurator.TEXT_PATTERN}). */
    private static final java.util.regex.Pattern STREAMS_START = java.util.regex.Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}) .*Kafka Streams CREATED -> REBALANCING");

    /** Wall-clock time (epoch ms) of the first "CREATED -> REBALANCING" after {@code from}; -1 if none. */
    private static long streamsStartWallMs(Path log, long from) throws IOException {
        return streamsStartWallMs(Files.readString(log), from, java.time.ZoneId.systemDefault());
    }

    /**
     * The same from the log's text. The whole timestamp is parsed, date included: a time of day alone, put on
     * today's date, is a day off for a line written before midnight and read after it.
     */
    static long streamsStartWallMs(String text, long from, java.time.ZoneId zone) {
        java.util.regex.Matcher m = STREAMS_START.matcher(text);
        if (!m.find((int) Math.min(from, text.length()))) {
            return -1;
        }
        return java.time.LocalDateTime.parse(m.group(1)).atZone(zone).toInstant().toEpochMilli();
    }

    /** Deletes {@code dir} if it exists and creates it empty; returns its absolute path. */
    static Path freshDirectory(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return Files.createDirectories(dir).toAbsolutePath();
    }

    private static void require(boolean ok, String message, Path log) throws IOException {
        if (!ok) {
            String text = Files.readString(log);
            throw new AssertionError(message + "\n--- last kade log ---\n" + text.substring(Math.max(0, text.length() - 6000)));
        }
    }
}
