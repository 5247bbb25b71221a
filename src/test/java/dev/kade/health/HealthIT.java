package dev.kade.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kade.app.StreamsRunner;
import dev.kade.kafka.EmbeddedKafka;
import dev.kade.testing.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health against a real broker and real stream threads: a thread stuck on a record shows as a stalled
 * partition (503 with the partition named, then wedged), and recovers when it moves again; a record
 * that kills every replacement thread ends Kafka Streams in ERROR after the crash-loop count.
 */
class HealthIT {
    @RegisterExtension
    static final SharedKafka KAFKA = new SharedKafka();

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    /** Passes records through; "block" waits on the latch, "die" throws an Error (which no handler catches). */
    private static Topology topology(String in, String out, CountDownLatch unblock, AtomicInteger dying) {
        Topology t = new Topology();
        t.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), in);
        t.addProcessor("p", () -> new Processor<String, String, String, String>() {
            private ProcessorContext<String, String> context;

            @Override
            public void init(ProcessorContext<String, String> context) {
                this.context = context;
            }

            @Override
            public void process(Record<String, String> record) {
                if ("block".equals(record.value())) {
                    try {
                        unblock.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                } else if ("die".equals(record.value())) {
                    dying.incrementAndGet();
                    throw new AssertionError("poison record");
                }
                context.forward(record);
            }
        }, "in");
        t.addSink("out", out, Serdes.String().serializer(), Serdes.String().serializer(), "p");
        return t;
    }

    private static Properties properties(EmbeddedKafka kafka, String app, Path dir) {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        // a replaced thread joins under a new thread index, so its dead predecessor holds the partitions
        // until the session times out: the broker's minimum keeps each death-to-replacement cycle short
        p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), "6000");
        return p;
    }

    private static void produce(EmbeddedKafka kafka, String topic, String... values) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (String v : values) {
                producer.send(new ProducerRecord<>(topic, 0, "k", v));
            }
            producer.flush();
        }
    }

    private static Set<TopicPartition> assigned(KafkaStreams streams) {
        Set<TopicPartition> out = new HashSet<>();
        try {
            for (ThreadMetadata t : streams.metadataForLocalThreads()) {
                for (TaskMetadata task : t.activeTasks()) {
                    out.addAll(task.topicPartitions());
                }
            }
        } catch (RuntimeException notRunning) {
            return Set.of();
        }
        return out;
    }

    @Test
    void aStuckThreadShowsAsAStalledPartitionThenWedgedAndRecovers(@TempDir Path dir) throws Exception {
        EmbeddedKafka kafka = KAFKA.kafka();
        String stuck = SharedKafka.unique("stuck");
        kafka.createTopics(1, stuck + "-in", stuck + "-out");
        CountDownLatch unblock = new CountDownLatch(1);
        AtomicReference<HealthMonitor> monitor = new AtomicReference<>();
        try (StreamsRunner runner = new StreamsRunner(topology(stuck + "-in", stuck + "-out", unblock, new AtomicInteger()),
                properties(kafka, stuck, dir), Duration.ofSeconds(10), s -> { },
                new CrashLoopDetector(3, () -> monitor.get().snapshot()), () -> { })) {
            HealthMonitor m = new HealthMonitor(kafka.admin(), stuck, () -> assigned(runner.streams()),
                    new ProducerHealth(runner.streams()::metrics), TIMEOUT, Duration.ofMillis(500), s -> { });
            monitor.set(m);
            HealthChecks checks = new HealthChecks(runner::state, () -> true, monitor::get, TIMEOUT);
            try (m) {
                runner.start();
                m.start();
                produce(kafka, stuck + "-in", "a", "b", "c");
                await().atMost(Duration.ofSeconds(60)).until(() -> checks.readiness().healthy());

                produce(kafka, stuck + "-in", "block", "d", "e");
                await().atMost(Duration.ofSeconds(30)).until(() -> !checks.readiness().healthy());
                assertThat(checks.readiness().reasons()).singleElement().asString()
                        .contains("partition " + stuck + "-in-0 made no progress").contains("end offset 6");
                assertThat(m.snapshot().secondsSinceProgress()).isGreaterThan(TIMEOUT.toSeconds());
                assertThat(checks.liveness().healthy()).as("stalled, not yet wedged").isTrue();
                await().atMost(Duration.ofSeconds(30)).until(() -> !checks.liveness().healthy());
                assertThat(checks.liveness().reasons()).singleElement().asString().startsWith("wedged: partition " + stuck + "-in-0");

                unblock.countDown();
                await().atMost(Duration.ofSeconds(30)).until(() -> checks.readiness().healthy() && checks.liveness().healthy());
                assertThat(m.snapshot().partitions()).singleElement()
                        .satisfies(p -> assertThat(p.committed()).isEqualTo(6));
            }
        }
    }

    @Test
    void aRecordThatKillsEveryReplacementEndsInErrorAfterThreeDeaths(@TempDir Path dir) throws Exception {
        EmbeddedKafka kafka = KAFKA.kafka();
        String loop = SharedKafka.unique("loop");
        kafka.createTopics(1, loop + "-in", loop + "-out");
        AtomicInteger dying = new AtomicInteger();
        AtomicInteger deaths = new AtomicInteger();
        AtomicReference<HealthMonitor> monitor = new AtomicReference<>();
        try (StreamsRunner runner = new StreamsRunner(topology(loop + "-in", loop + "-out", new CountDownLatch(0), dying),
                properties(kafka, loop, dir), Duration.ofSeconds(10), s -> { },
                new CrashLoopDetector(3, () -> monitor.get().snapshot()), deaths::incrementAndGet)) {
            HealthMonitor m = new HealthMonitor(kafka.admin(), loop, () -> assigned(runner.streams()),
                    new ProducerHealth(runner.streams()::metrics), TIMEOUT, Duration.ofMillis(500), s -> { });
            monitor.set(m);
            try (m) {
                runner.start();
                m.start();
                produce(kafka, loop + "-in", "a", "b", "die", "c");
                assertThat(runner.awaitTermination(Duration.ofSeconds(120))).isEqualTo(KafkaStreams.State.ERROR);
                assertThat(deaths).as("replaced twice, then given up").hasValue(3);
                assertThat(dying).hasValue(3);
            }
        }
    }
}
