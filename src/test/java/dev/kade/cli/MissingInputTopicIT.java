package dev.kade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kade.kafka.EmbeddedKafka;
import dev.kade.testing.SharedKafka;
import dev.kade.testing.TestModels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kade run} started before its input topic exists, as on Kubernetes when Strimzi creates the topic while
 * the pod starts: it serves /health, answers ready 503 naming the topic and the setting, warns once, and scores
 * as soon as the topic appears; with {@code topics.wait.ms} it gives up with exit 2. A missing output topic is
 * waited for the same way.
 */
class MissingInputTopicIT {
    private static final Pattern PORT = Pattern.compile("metrics and health on http://0\\.0\\.0\\.0:(\\d+)/metrics");
    private static final Pattern SCORED = Pattern.compile("(?m)^kade_records_scored_total\\{[^}]*} ([0-9.eE+]+)$");

    @RegisterExtension
    static final SharedKafka KAFKA = new SharedKafka();

    private final HttpClient http = HttpClient.newHttpClient();

    /** The topics and application id of one test: unique in this JVM, since the broker is shared. */
    private record Names(String input, String alerts, String deadLetters, String app) {
        static Names fresh(String input) {
            return new Names(SharedKafka.unique(input), SharedKafka.unique("alerts"), SharedKafka.unique("dlq"),
                    SharedKafka.unique("late"));
        }

        String bracketed(String topic) {
            return "[" + topic + "]";
        }
    }

    @Test
    void waitsForTheInputTopicSayingWhyThenScoresWhenItAppears(@TempDir Path dir) throws Exception {
        EmbeddedKafka kafka = KAFKA.kafka();
        Names n = Names.fresh("late-in");
        String in = n.bracketed(n.input());
        kafka.createTopics(1, n.alerts(), n.deadLetters());
        Process p = launch(dir, kafka, n, "");
        try {
            int port = metricsPort(dir);
            await().atMost(Duration.ofSeconds(30)).until(() -> get(port, "/health/ready").statusCode() == 503
                    && get(port, "/health/ready").body().contains(in));
            HttpResponse<String> ready = get(port, "/health/ready");
            assertThat(ready.body()).contains("input topic(s) " + in + " (input.topics) do not exist")
                    .contains("topics.create=false").contains("topics.wait.ms=-1");
            assertThat(get(port, "/health/live").statusCode()).as("waiting is not a reason to restart").isEqualTo(200);
            assertThat(get(port, "/metrics").body()).containsPattern("(?m)^kade_ready\\{[^}]*} 0(\\.0)?$");

            Thread.sleep(4000); // several checks (one per second) while the topic is missing
            String log = Files.readString(dir.resolve("out.log"));
            assertThat(countLines(log, in + " (input.topics) do not exist")).as("one WARN, not one per check\n%s", log)
                    .isEqualTo(1);
            assertThat(log).doesNotContain("UNKNOWN_TOPIC_OR_PARTITION").doesNotContain("Kafka Streams CREATED ->");

            kafka.createTopics(2, n.input());
            assertReadyAndScoring(kafka, port, n.input());
            assertThat(Files.readString(dir.resolve("out.log"))).contains("topic(s) " + in + " exist now, after");
        } finally {
            stop(p);
        }
    }

    @Test
    void givesUpAfterTopicsWaitMsWithExitTwoNamingTheTopic(@TempDir Path dir) throws Exception {
        EmbeddedKafka kafka = KAFKA.kafka();
        Names n = Names.fresh("never-in");
        String in = n.bracketed(n.input());
        kafka.createTopics(1, n.alerts(), n.deadLetters());
        Process p = launch(dir, kafka, n, "topics.wait.ms=3000\n");
        try {
            int port = metricsPort(dir);
            // /health answers from before the start-up topic check (up to 10 s; "checking kade's topics" meanwhile)
            await().atMost(Duration.ofSeconds(12)).until(() -> get(port, "/health/ready").body().contains(in));
            assertThat(get(port, "/health/ready").body()).contains("topics.wait.ms=3000: then exit 2");
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(2);
            String log = Files.readString(dir.resolve("out.log"));
            assertThat(log).contains("kade run: input topic(s) " + in + " (input.topics) do not exist")
                    .contains("gave up after 3000 ms");
        } finally {
            p.destroyForcibly();
        }
    }

    /** A missing output topic (topics.create=false) is waited for like an input topic, not a crash loop. */
    @Test
    void waitsForAMissingOutputTopicTooThenScores(@TempDir Path dir) throws Exception {
        EmbeddedKafka kafka = KAFKA.kafka();
        Names n = Names.fresh("in-o");
        String alerts = n.bracketed(n.alerts());
        kafka.createTopics(1, n.input(), n.deadLetters());
        Process p = launch(dir, kafka, n, "");
        try {
            int port = metricsPort(dir);
            await().atMost(Duration.ofSeconds(30)).until(() -> get(port, "/health/ready").body().contains(alerts));
            HttpResponse<String> ready = get(port, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("output topic(s) " + alerts + " do not exist").contains("topics.create=false")
                    .doesNotContain(n.bracketed(n.input()));
            assertThat(p.isAlive()).as("waiting, not exiting").isTrue();

            kafka.createTopics(1, n.alerts());
            assertReadyAndScoring(kafka, port, n.input());
        } finally {
            stop(p);
        }
    }

    /** topics.wait.ms=0 is the strict check for outputs too: exit 2 at once, naming the topic and the settings. */
    @Test
    void strictCheckRefusesAMissingOutputTopicAtOnce(@TempDir Path dir) throws Exception {
        EmbeddedKafka kafka = KAFKA.kafka();
        Names n = Names.fresh("in-s");
        kafka.createTopics(1, n.input(), n.alerts());
        Process p = launch(dir, kafka, n, "topics.wait.ms=0\n");
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(2);
            assertThat(Files.readString(dir.resolve("out.log")))
                    .contains("kade run: output topic(s) " + n.bracketed(n.deadLetters()) + " do not exist")
                    .contains("topics.create=false").contains("(topics.wait.ms=0)");
        } finally {
            p.destroyForcibly();
        }
    }

    private static Process launch(Path dir, EmbeddedKafka kafka, Names n, String extra) throws IOException {
        Path model = TestModels.writeModel(dir.resolve("model.onnx"), "late-v1");
        Path config = dir.resolve("kade.properties");
        Files.writeString(config, "input.topics=" + n.input() + "\nalert.topic=" + n.alerts() + "\ndead.letter.topic="
                + n.deadLetters() + "\nmodel.path=" + model + "\napplication.id=" + n.app() + "\n"
                + "metrics.port=0\nshutdown.timeout.ms=10000\nprocessing.guarantee=at_least_once\nkafka.state.dir="
                + dir.resolve("state") + "\n" + extra);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.kade.cli.Main", "run", "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
        pb.environment().putAll(Map.of("KADE_BOOTSTRAP_SERVERS", kafka.bootstrapServers()));
        return pb.start();
    }

    /** Once the missing topic exists: ready within 90 s, and 20 records sent to {@code input} are scored. */
    private void assertReadyAndScoring(EmbeddedKafka kafka, int port, String input) throws Exception {
        await().atMost(Duration.ofSeconds(90)).until(() -> get(port, "/health/ready").statusCode() == 200);
        send(kafka, input, 20);
        await().atMost(Duration.ofSeconds(60)).until(() -> scored(get(port, "/metrics").body()) >= 20);
    }

    /** SIGTERM, up to 30 s for a clean shutdown, then SIGKILL. */
    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        p.waitFor(30, TimeUnit.SECONDS);
        p.destroyForcibly();
    }

    private static int metricsPort(Path dir) {
        int[] port = {0};
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Matcher m = PORT.matcher(Files.readString(dir.resolve("out.log")));
            if (m.find()) {
                port[0] = Integer.parseInt(m.group(1));
            }
            return port[0] > 0;
        });
        return port[0];
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static double scored(String metrics) {
        Matcher m = SCORED.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static long countLines(String log, String text) {
        return log.lines().filter(l -> l.contains(text)).count();
    }

    private static void send(EmbeddedKafka kafka, String topic, int n) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        Random random = new Random(7);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, TestModels.normal(random))).get(30, TimeUnit.SECONDS);
            }
        }
    }
}
