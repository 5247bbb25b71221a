package dev.kade.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kade.demo.DemoData;
import dev.kade.demo.DemoRecord;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Issue 20's retraining memory budget: {@code kade train --from-topic} over a topic of {@code records} records (default
 * 1,000,000 shuttle rows as JSON, about 100 bytes each, 3 partitions) fits a small heap, because the sampler keeps a
 * reservoir of {@code --sample} values and never the topic. The broker runs in its own process ({@link BenchBroker});
 * {@code kade train} runs as a user runs it, {@code java -Xmx<heap> -jar target/kade.jar train --from-topic ...}, once
 * per heap size asked, under a GC log. Per run: exit status, wall time, records read and sampled (kade's own summary),
 * the process's peak resident set (VmHWM of /proc/PID/status, read until it exits) and the largest heap occupancy the
 * GC log shows before a collection (an upper bound of what was live at that moment).
 *
 * <p>The model is deliberately cheap (an AE, {@code --epochs}, default 2): what is measured is reading and sampling the
 * topic and the training matrix it becomes, which an epoch count does not change.
 *
 * <p>Options (system properties): {@code kade.bench.records} (1000000), {@code kade.bench.heaps} ("64m,32m"),
 * {@code kade.bench.sample} (100000), {@code kade.bench.epochs} (2), {@code kade.bench.commit},
 * {@code kade.bench.classPath} (the broker's class path), {@code kade.bench.kadeJar} (target/kade.jar). Ends with one
 * JSON line on stdout.
 */
public final class RetrainMemoryBenchmark {
    private static final Pattern GC_BEFORE = Pattern.compile("\\) (\\d+)M->(\\d+)M\\((\\d+)M\\)");
    private static final Pattern SUMMARY = Pattern.compile("\\((\\d+) records read, (\\d+) sampled");

    private RetrainMemoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = Integer.getInteger("kade.bench.records", 1_000_000);
        List<String> heaps = List.of(System.getProperty("kade.bench.heaps", "64m,32m").split(","));
        int sample = Integer.getInteger("kade.bench.sample", 100_000);
        int epochs = Integer.getInteger("kade.bench.epochs", 2);
        Path kadeJar = Path.of(System.getProperty("kade.bench.kadeJar", "target/kade.jar"));
        Path dir = Files.createTempDirectory("kade-retrain-memory");
        ObjectMapper json = new ObjectMapper();
        ObjectNode out = json.createObjectNode().put("benchmark", "retrain-memory")
                .put("commit", System.getProperty("kade.bench.commit", "unknown"))
                .put("machine", Runtime.getRuntime().availableProcessors() + " cores, load " + loadAverage())
                .put("records", records).put("sample", sample).put("epochs", epochs);
        ArrayNode runs = out.putArray("runs");
        int brokerPort = freePort();
        Path brokerLog = dir.resolve("broker.log");
        Process broker = new ProcessBuilder(javaBin(), "-Xmx1g", "-cp", System.getProperty("kade.bench.classPath"),
                BenchBroker.class.getName(), dir.resolve("broker").toString(), Integer.toString(brokerPort),
                Integer.toString(freePort())).redirectErrorStream(true).redirectOutput(brokerLog.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(brokerLog).contains(BenchBroker.READY)) {
                if (!broker.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker did not start; see " + brokerLog);
                }
                Thread.sleep(50);
            }
            String bootstrap = "127.0.0.1:" + brokerPort;
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic("metrics", 3, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            long t0 = System.nanoTime();
            long bytes = produce(bootstrap, "metrics", records);
            log("produced %,d records (%,d value bytes) in %.1f s", records, bytes, (System.nanoTime() - t0) / 1e9);
            out.put("topic_value_bytes", bytes);
            for (String heap : heaps) {
                runs.add(train(json, kadeJar, bootstrap, heap.trim(), sample, epochs, dir));
            }
        } finally {
            broker.destroy();
            if (!broker.waitFor(30, TimeUnit.SECONDS)) {
                broker.destroyForcibly();
            }
        }
        log("%-6s %-4s %9s %12s %14s %14s", "heap", "ok", "seconds", "read", "peak RSS MB", "peak heap MB");
        runs.forEach(r -> log("%-6s %-4s %9.1f %,12d %14.1f %14d", r.get("xmx").asText(), r.get("ok").asBoolean(),
                r.get("seconds").asDouble(), r.get("read").asLong(), r.get("peak_rss_mb").asDouble(), r.get("peak_heap_mb").asInt()));
        System.out.println(json.writeValueAsString(out));
    }

    private static ObjectNode train(ObjectMapper json, Path kadeJar, String bootstrap, String heap, int sample, int epochs, Path dir)
            throws Exception {
        Path model = dir.resolve("candidate-" + heap + ".onnx");
        Path gcLog = dir.resolve("gc-" + heap + ".log");
        Path log = dir.resolve("train-" + heap + ".log");
        List<String> cmd = List.of(javaBin(), "-Xmx" + heap, "-Xlog:gc:file=" + gcLog, "-jar", kadeJar.toString(), "train",
                "--from-topic", "metrics", "--bootstrap-servers", bootstrap, "--sample", Integer.toString(sample), "--kind", "ae",
                "--epochs", Integer.toString(epochs), "--early-stopping-patience", "0", "--no-report", "--out", model.toString());
        log("%s", String.join(" ", cmd));
        long t0 = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("KADE_") || k.equals("JDK_JAVA_OPTIONS") || k.equals("JAVA_TOOL_OPTIONS"));
        Process p = pb.start();
        long peakKb = 0;
        Path status = Path.of("/proc", Long.toString(p.pid()), "status");
        while (!p.waitFor(50, TimeUnit.MILLISECONDS)) {
            peakKb = Math.max(peakKb, hwmKb(status));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String output = Files.readString(log);
        Matcher m = SUMMARY.matcher(output);
        long read = -1;
        long sampled = -1;
        if (m.find()) {
            read = Long.parseLong(m.group(1));
            sampled = Long.parseLong(m.group(2));
        }
        int peakHeap = 0;
        int committed = 0;
        if (Files.exists(gcLog)) {
            for (String line : Files.readAllLines(gcLog)) {
                Matcher g = GC_BEFORE.matcher(line);
                if (g.find()) {
                    peakHeap = Math.max(peakHeap, Integer.parseInt(g.group(1)));
                    committed = Math.max(committed, Integer.parseInt(g.group(3)));
                }
            }
        }
        boolean ok = p.exitValue() == 0 && Files.isRegularFile(model);
        if (!ok) {
            log("kade train with -Xmx%s failed (exit %d); the end of its output:%n%s", heap, p.exitValue(),
                    output.substring(Math.max(0, output.length() - 2000)));
        }
        return json.createObjectNode().put("xmx", heap).put("ok", ok).put("exit", p.exitValue())
                .put("seconds", Math.round(seconds * 10) / 10.0).put("read", read).put("sampled", sampled)
                .put("peak_rss_mb", Math.round(peakKb / 102.4) / 10.0).put("peak_heap_mb", peakHeap)
                .put("heap_committed_mb", committed);
    }

    /** VmHWM (peak resident set) of a live process in kB; 0 once it is gone. */
    private static long hwmKb(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the process exited between waitFor and the read
        }
        return 0;
    }

    /** Shuttle test rows as JSON, repeated to {@code count}, spread over the topic's partitions by key. */
    private static long produce(String bootstrap, String topic, int count) {
        DemoData data = DemoData.fromResource(DemoData.TEST_RESOURCE);
        List<DemoRecord> rows = data.records(data.size(), 0, "s", 1);
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                byte[] value = rows.get(i % rows.size()).value();
                bytes += value.length;
                producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8), value));
            }
            producer.flush();
        }
        return bytes;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void log(String format, Object... args) {
        System.err.println("[retrain-memory] " + String.format(Locale.ROOT, format, args));
    }
}
