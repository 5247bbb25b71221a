package dev.kade.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.kafka.EmbeddedKafka;
import dev.kade.testing.SharedKafka;
import dev.kade.testing.TestModels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two jars {@code mvn package} builds (failsafe runs after package): the production jar is lean and works
 * without the broker; the demo jar has the broker. Guards the shade plugin's exclude list in pom.xml against
 * a dependency change that would slip broker or foreign-platform code back into production.
 */
class PackagedJarsIT {
    @RegisterExtension
    static final SharedKafka KAFKA = new SharedKafka();

    static final Path PRODUCTION = Path.of("target", "kade.jar");
    static final Path DEMO = Path.of("target", "kade-demo.jar");
    static final long PRODUCTION_LIMIT = 60L * 1024 * 1024;
    /** The single jar's size before the split (182 MB): the demo jar must not grow past it. */
    static final long DEMO_LIMIT = 182L * 1000 * 1000;

    /** Code that only the broker needs; none of it may be in the production jar or image. */
    static final List<String> BROKER_ONLY = List.of("kafka/server/", "kafka/log/", "kafka/network/", "kafka/cluster/",
            "kafka/utils/", "scala/", "org/apache/kafka/raft/",
            "org/apache/kafka/metadata/", "org/apache/kafka/storage/internals/log/", "org/apache/kafka/coordinator/",
            "org/apache/logging/log4j/core/", "org/apache/commons/beanutils/", "org/apache/commons/collections/",
            "org/jose4j/", "org/yaml/snakeyaml/", "joptsimple/", "net/sourceforge/argparse4j/", "com/yammer/",
            "dev/kade/demo/", "dev/kade/kafka/", "datasets/");

    static final Pattern NATIVE = Pattern.compile(".*\\.(so|dll|dylib|jnilib|a)$");
    static final Pattern LINUX_X64_OR_ARM64 = Pattern.compile("(?i).*linux(64\\.so|.*(x86_64|amd64|x64|aarch64)).*");

    @Test
    void productionJarIsLeanAndHasNoBroker() throws IOException {
        assertThat(PRODUCTION).as("run mvn package first").isRegularFile();
        assertThat(Files.size(PRODUCTION)).as("production jar size").isLessThanOrEqualTo(PRODUCTION_LIMIT);
        List<String> names = entries(PRODUCTION);
        assertThat(names).contains("dev/kade/cli/Main.class", "org/apache/kafka/streams/KafkaStreams.class",
                "ai/onnxruntime/native/linux-x64/libonnxruntime.so", "ai/onnxruntime/native/linux-aarch64/libonnxruntime.so");
        for (String prefix : BROKER_ONLY) {
            assertThat(names).as("entries under " + prefix).noneMatch(n -> n.startsWith(prefix));
        }
        // kafka-clients keeps two version files under kafka/; every class there is the broker's (Scala).
        assertThat(names).as("classes under kafka/").noneMatch(n -> n.startsWith("kafka/") && n.endsWith(".class"));
        assertOnlyLinuxNatives(names);
    }

    @Test
    void demoJarHasTheBrokerAndTheDemoWithinTodaysSize() throws IOException {
        assertThat(DEMO).as("run mvn package first").isRegularFile();
        assertThat(Files.size(DEMO)).as("demo jar size").isLessThanOrEqualTo(DEMO_LIMIT);
        List<String> names = entries(DEMO);
        assertThat(names).contains("kafka/server/KafkaRaftServer.class", "dev/kade/demo/DemoCommand.class",
                "dev/kade/kafka/EmbeddedKafka.class", "datasets/shuttle.train.csv", "dev/kade/cli/Main.class",
                "datasets/nab/windows.json", "datasets/nab/realKnownCause/machine_temperature_system_failure.csv",
                "datasets/LICENSE-NAB.txt");
        assertOnlyLinuxNatives(names);
    }

    @Test
    void productionJarTrainsAndEvaluatesAndRefusesTheDemoInOneLine(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m.onnx");
        Run train = java(PRODUCTION, "train", "--data", "src/demo/resources/datasets/thyroid.train.csv", "--epochs", "3",
                "--quiet", "--no-report", "--out", model.toString());
        assertThat(train.exit).as(train.output).isZero();
        assertThat(model).isRegularFile();
        Run evaluate = java(PRODUCTION, "evaluate", "--model", model.toString(), "--data",
                "src/demo/resources/datasets/thyroid.test.csv", "--format", "json");
        assertThat(evaluate.exit).as(evaluate.output).isZero();
        assertThat(evaluate.output).contains("\"roc_auc\"");

        Run demo = java(PRODUCTION, "demo");
        assertThat(demo.exit).isEqualTo(2);
        assertThat(demo.output.lines().toList()).as(demo.output).hasSize(1);
        assertThat(demo.output).contains("kade-demo.jar");
    }

    /**
     * ONNX Runtime 1.29's telemetry ({@link dev.kade.onnx.OrtTelemetry}): with {@code ORT_DISABLE_TELEMETRY=1}, as the
     * image and manifests set it, the production jar writes nothing under the cache directories (no device id, no
     * event queue) and does not warn.
     */
    @Test
    void productionJarWithTheOptOutLeavesNoOnnxRuntimeTelemetry(@TempDir Path dir) throws Exception {
        String[] evaluate = evaluateArgs(dir);
        Path home = Files.createDirectories(dir.resolve("home"));
        Run quiet = java(PRODUCTION, telemetryEnv(home, true), evaluate);
        assertThat(quiet.exit).as(quiet.output).isZero();
        assertThat(filesUnder(home)).as("files ONNX Runtime left under HOME and XDG_CACHE_HOME").isEmpty();
        assertThat(quiet.output).doesNotContain("ORT_DISABLE_TELEMETRY");
    }

    /**
     * Without the opt-out the runtime writes its device id (so the check above looks where the runtime writes),
     * kade warns once naming the variable, and the event queue holds no session event: no model metadata. Only
     * where {@code CI} is set, so that a developer's test run never queues an event; uploads are blocked here anyway
     * by an unreachable proxy and no CA bundle.
     */
    @Test
    void productionJarWithoutTheOptOutWarnsAndQueuesNoModelEvent(@TempDir Path dir) throws Exception {
        assumeTrue(System.getenv("CI") != null, "runs only where CI is set: without the opt-out ONNX Runtime queues an event");
        String[] evaluate = evaluateArgs(dir);
        Path home = Files.createDirectories(dir.resolve("home"));
        Run warned = java(PRODUCTION, telemetryEnv(home, false), evaluate);
        assertThat(warned.exit).as(warned.output).isZero();
        assertThat(warned.output.lines().filter(l -> l.contains("ORT_DISABLE_TELEMETRY=1")).count()).as(warned.output).isOne();
        List<Path> written = filesUnder(home);
        assertThat(written).as("without the opt-out ONNX Runtime writes its device id").anyMatch(f -> f.endsWith("deviceid"));
        for (Path f : written) {
            String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            assertThat(bytes).as(f.toString()).doesNotContain("SessionCreation").doesNotContain("dev.kade");
        }
    }

    /** Trains a small model with the production jar; the arguments that evaluate it on the thyroid test split. */
    private static String[] evaluateArgs(Path dir) throws Exception {
        Path model = dir.resolve("m.onnx");
        Run train = java(PRODUCTION, Map.of("ORT_DISABLE_TELEMETRY", "1"), "train", "--data",
                "src/demo/resources/datasets/thyroid.train.csv", "--epochs", "2", "--quiet", "--no-report", "--out", model.toString());
        assertThat(train.exit).as(train.output).isZero();
        return new String[] {"evaluate", "--model", model.toString(), "--data", "src/demo/resources/datasets/thyroid.test.csv",
            "--format", "json"};
    }

    /**
     * A child environment for the telemetry check: no inherited opt-out or CI flag, HOME and XDG_CACHE_HOME in
     * {@code home}, and no way out (an unreachable proxy, no CA bundle) should anything try to upload.
     */
    private static Map<String, String> telemetryEnv(Path home, boolean optOut) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("XDG_CACHE_HOME", home.resolve("xdg-cache").toString());
        env.put("https_proxy", "http://127.0.0.1:9");
        env.put("HTTPS_PROXY", "http://127.0.0.1:9");
        env.put("SSL_CERT_FILE", home.resolve("no-such-ca-bundle.pem").toString());
        env.put("ORT_DISABLE_TELEMETRY", optOut ? "1" : null);
        env.put("CI", null);
        return env;
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    /** {@code run} from the production jar against a broker: ready, and 20 records scored (ONNX, compression natives). */
    @Test
    void productionJarScoresAStream(@TempDir Path dir) throws Exception {
        EmbeddedKafka kafka = KAFKA.kafka();
        String in = SharedKafka.unique("jar-in");
        String alerts = SharedKafka.unique("jar-alerts");
        String deadLetters = SharedKafka.unique("jar-dlq");
        kafka.createTopics(1, in, alerts, deadLetters);
        Path model = TestModels.writeModel(dir.resolve("model.onnx"), "jar-v1");
        Path config = dir.resolve("kade.properties");
        Files.writeString(config, "bootstrap.servers=" + kafka.bootstrapServers() + "\ninput.topics=" + in + "\nalert.topic=" + alerts
                + "\ndead.letter.topic=" + deadLetters + "\nmodel.path=" + model + "\napplication.id=" + SharedKafka.unique("jar")
                + "\nmetrics.port=0\nkafka.state.dir=" + dir.resolve("state") + "\n");
        Path log = dir.resolve("run.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", PRODUCTION.toString(), "run", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("KADE_LOG_FORMAT", "json"); // the packaged Logback set-up, as a log pipeline reads it
        Process p = pb.start();
        try {
            Pattern port = Pattern.compile("metrics and health on http://[0-9.]+:(\\d+)/metrics");
            int[] metricsPort = {0};
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                Matcher m = port.matcher(Files.readString(log).replace("\\/", "/")); // JSON escapes '/'
                metricsPort[0] = m.find() ? Integer.parseInt(m.group(1)) : 0;
                return metricsPort[0] > 0;
            });
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + metricsPort[0]);
            await().atMost(Duration.ofSeconds(90)).until(() -> get(http, base.resolve("/health/ready")).statusCode() == 200);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd"), new StringSerializer(), new StringSerializer())) {
                Random random = new Random(3);
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>(in, "k" + i, TestModels.normal(random)));
                }
            }
            Pattern scored = Pattern.compile("(?m)^kade_records_scored_total(?:\\{[^}]*})? ([0-9.eE+]+)$");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Matcher m = scored.matcher(get(http, base.resolve("/metrics")).body());
                assertThat(m.find()).as("kade_records_scored_total in /metrics").isTrue();
                assertThat(Double.parseDouble(m.group(1))).isEqualTo(20.0);
            });
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            assertThat(line).as("a log line in text format").doesNotContainPattern("^\\d{4}-\\d\\d-\\d\\dT.* (INFO|WARN|ERROR) ");
            if (line.startsWith("{")) {
                lines.add(new ObjectMapper().readTree(line)); // one JSON log event per line
            }
        }
        assertThat(lines).anySatisfy(l -> assertThat(l.path("formattedMessage").asText()).startsWith("serving model jar-v1"));
        assertThat(lines).allSatisfy(l -> assertThat(l.path("level").asText()).isNotEmpty());
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertOnlyLinuxNatives(List<String> names) {
        List<String> natives = names.stream().filter(n -> NATIVE.matcher(n).matches() || n.contains(".dSYM/")).toList();
        assertThat(natives).isNotEmpty();
        assertThat(natives).as("natives other than linux x86-64/aarch64").allMatch(n -> LINUX_X64_OR_ARM64.matcher(n).matches());
        // windowed models keep per-entity state in RocksDB: exactly its linux x86-64 and aarch64 natives ship
        assertThat(natives.stream().filter(n -> n.toLowerCase(Locale.ROOT).contains("rocksdb")).sorted().toList())
                .as("RocksDB natives").containsExactly("librocksdbjni-linux-aarch64.so", "librocksdbjni-linux64.so");
    }

    private static List<String> entries(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(ZipEntry::getName).toList();
        }
    }

    private record Run(int exit, String output) {}

    /** Runs {@code java -jar JAR ARGS} with this JVM's java, output and error merged. */
    private static Run java(Path jar, String... args) throws Exception {
        return java(jar, Map.of(), args);
    }

    /** As {@link #java(Path, String...)}, with these environment changes (a null value removes the variable). */
    private static Run java(Path jar, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
