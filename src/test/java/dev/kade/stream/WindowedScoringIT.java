package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.app.StreamsSetup;
import dev.kade.config.KadeConfig;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ServableModel;
import dev.kade.testing.SharedKafka;
import dev.kade.testing.WindowedTestScorer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A windowed model on a real broker under exactly_once_v2: every record scored once, windows continuing across a
 * clean restart of the application (state from the changelogged store).
 */
class WindowedScoringIT {
    @RegisterExtension
    static final SharedKafka KAFKA = new SharedKafka();

    @TempDir
    Path dir;

    @Test
    void windowsContinueAcrossARestart() throws Exception {
        String in = SharedKafka.unique("wsi-in");
        String scores = SharedKafka.unique("wsi-scores");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(in, 2, (short) 1), new NewTopic(scores, 2, (short) 1),
                    new NewTopic(in + "-alerts", 2, (short) 1), new NewTopic(in + "-dlq", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, String> m = new HashMap<>(Map.of("bootstrap.servers", KAFKA.bootstrapServers(), "input.topics", in,
                "application.id", SharedKafka.unique("wsi-app"), "scores.topic", scores, "alert.topic", in + "-alerts",
                "dead.letter.topic", in + "-dlq", "model.path", dir.resolve("m.onnx").toString(),
                "kafka.state.dir", dir.resolve("state").toString()));
        m.put("processing.guarantee", "exactly_once_v2");
        KadeConfig config = KadeConfig.fromMap(m);
        produce(in, 0, 20);
        List<String> first = runUntil(config, scores, 20);
        produce(in, 20, 20);
        List<String> all = runUntil(config, scores, 40);
        assertThat(first).hasSize(20);
        assertThat(all).hasSize(40);
        // after the restart no entity warms up again: its window came back from the store
        assertThat(all.subList(20, 40)).noneMatch(s -> s.contains("\"warming_up\":true"));
    }

    private static void produce(String topic, int from, int n) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < from + n; i++) {
                producer.send(new ProducerRecord<>(topic, null, 1_764_547_200_000L + 1000L * i, "e" + (i % 2), "{\"v0\":" + (i % 5) + "}"));
            }
        }
    }

    private List<String> runUntil(KadeConfig config, String scores, int expected) throws Exception {
        KadeMetrics metrics = new KadeMetrics("wsi");
        metrics.bindTo(new SimpleMeterRegistry());
        dev.kade.series.SeriesSpec spec = dev.kade.series.SeriesSpec.of(4, 1);
        java.nio.file.Path f = dir.resolve("w.onnx");
        dev.kade.export.WindowedExporter.export(dev.kade.train.SeriesFixtures.train(spec, dev.kade.model.ModelKind.AE, false), f);
        ModelRegistry models = ModelRegistry.of(dev.kade.onnx.OnnxModel.load(f));
        try (KafkaStreams streams = new KafkaStreams(ScoringTopology.build(StreamsSetup.topology(config), models, metrics),
                StreamsSetup.properties(config, metrics))) {
            streams.start();
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
            p.put(ConsumerConfig.GROUP_ID_CONFIG, SharedKafka.unique("reader"));
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            List<String> out = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                c.subscribe(List.of(scores));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (out.size() < expected && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                        out.add(new String(r.value()));
                    }
                }
            }
            if (out.size() < expected) {
                System.out.println("COUNTS: " + metrics.counts() + " TASKS: " + streams.metadataForLocalThreads() + " state " + streams.state());
            }
            streams.close(org.apache.kafka.streams.CloseOptions.timeout(Duration.ofSeconds(20))
                    .withGroupMembershipOperation(org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            return out;
        }
    }
}
