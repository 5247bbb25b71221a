package dev.kade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.export.WindowedExporter;
import dev.kade.model.ModelKind;
import dev.kade.series.SeriesSpec;
import dev.kade.testing.SharedKafka;
import dev.kade.train.SeriesFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kade backtest --topic} on a real broker: the committed records of a topic (two partitions) give exactly
 * the scores of {@code kade backtest --data} over a file of the same records, row for row; aborted records and an
 * open transaction's are not read, and the backtest ends at the end offsets it found at start; offset and time
 * ranges read what they name; a wrong option is refused naming it.
 */
class BacktestTopicIT {
    @RegisterExtension
    static final SharedKafka KAFKA = new SharedKafka();
    private static final int ENTITIES = 3;
    private static final int STEPS = 30;
    private static final String[] SETTINGS = {"-s", "series.likelihood.learning.period=5"};

    @TempDir
    static Path dir;
    static Path model;
    static long t0;

    @BeforeAll
    static void model() throws Exception {
        model = dir.resolve("w.onnx");
        WindowedExporter.export(SeriesFixtures.train(SeriesSpec.of(4, 1), ModelKind.AE, false), model);
        // recent times: the broker deletes records older than its retention by their timestamps
        t0 = (System.currentTimeMillis() / 60_000L) * 60_000L - 3_600_000L;
    }

    /** Entity e's value at step i: levels decades apart, a little wave, one jump. */
    private static double value(int e, int i, SplittableRandom random) {
        double level = Math.pow(10, e);
        return level * (1 + 0.1 * Math.sin(i / 2.0) + 0.01 * random.nextGaussian()) + (i == 20 && e == 1 ? 4 * level : 0);
    }

    private record Row(String entity, long time, double v) {
    }

    /** The rows in time order: entity e's step i at t0 + (i * ENTITIES + e) seconds. */
    private static List<Row> rows() {
        SplittableRandom random = new SplittableRandom(11);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < STEPS; i++) {
            for (int e = 0; e < ENTITIES; e++) {
                rows.add(new Row("entity-" + e, t0 + 1000L * (i * ENTITIES + e), value(e, i, random)));
            }
        }
        return rows;
    }

    private static Path file(String name, List<Row> rows) throws Exception {
        StringBuilder b = new StringBuilder("entity,ts,v0\n");
        for (Row r : rows) {
            b.append(r.entity()).append(',').append(Instant.ofEpochMilli(r.time())).append(',').append(r.v()).append('\n');
        }
        return Files.writeString(dir.resolve(name), b.toString());
    }

    private static String topic(String base, int partitions) throws Exception {
        String t = SharedKafka.unique(base);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(t, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        return t;
    }

    private static Properties producerProperties(String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        if (transactionalId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, SharedKafka.unique(transactionalId));
        }
        return p;
    }

    private static ProducerRecord<String, String> record(String topic, Row r) {
        return new ProducerRecord<>(topic, null, r.time(), r.entity(), "{\"v0\":" + r.v() + "}");
    }

    /** The score columns of a backtest's CSV (entity to dead_letter), one per record, in replay order. */
    private static List<String> scores(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        return lines.subList(1, lines.size()).stream().map(l -> String.join(",", Arrays.asList(l.split(",", -1)).subList(1, 9))).toList();
    }

    private static CliRun backtest(String... args) {
        List<String> a = new ArrayList<>(List.of("backtest", "--model", model.toString()));
        a.addAll(List.of(args));
        a.addAll(List.of(SETTINGS));
        return CliRun.execute(a.toArray(String[]::new));
    }

    @Test
    void aTopicsCommittedRecordsScoreExactlyAsAFileOfTheSameRecords() throws Exception {
        List<Row> rows = rows();
        String topic = topic("bt-topic", 2);
        // committed in transactions, with an aborted one between that must not be read
        try (KafkaProducer<String, String> p = new KafkaProducer<>(producerProperties("bt-tx"), new StringSerializer(), new StringSerializer())) {
            p.initTransactions();
            p.beginTransaction();
            rows.subList(0, rows.size() / 2).forEach(r -> p.send(record(topic, r)));
            p.commitTransaction();
            p.beginTransaction();
            for (int e = 0; e < ENTITIES; e++) {
                p.send(new ProducerRecord<>(topic, null, t0 + 500_000, "entity-" + e, "{\"v0\":-1e9}"));
            }
            p.flush();
            p.abortTransaction();
            p.beginTransaction();
            rows.subList(rows.size() / 2, rows.size()).forEach(r -> p.send(record(topic, r)));
            p.commitTransaction();
        }
        Path fileOut = dir.resolve("file.csv");
        Path topicOut = dir.resolve("topic.csv");
        CliRun file = backtest("--data", file("rows.csv", rows).toString(), "--entity-column", "entity", "--time-column", "ts",
                "--out", fileOut.toString());
        assertThat(file.exit()).as(file.err()).isZero();
        // a transaction left open while the backtest runs: above the last stable offset, so neither read nor waited for
        try (KafkaProducer<String, String> open = new KafkaProducer<>(producerProperties("bt-open"), new StringSerializer(),
                new StringSerializer())) {
            open.initTransactions();
            open.beginTransaction();
            for (int e = 0; e < ENTITIES; e++) {
                open.send(new ProducerRecord<>(topic, null, t0 + 600_000, "entity-" + e, "{\"v0\":-1e9}"));
            }
            open.flush();
            CliRun run = backtest("--topic", topic, "--bootstrap-servers", KAFKA.bootstrapServers(), "--out", topicOut.toString());
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).contains(rows.size() + " records, " + rows.size() + " scored");
            open.abortTransaction();
        }
        List<String> fromFile = scores(fileOut);
        List<String> fromTopic = scores(topicOut);
        assertThat(fromFile).hasSize(rows.size());
        assertThat(fromTopic).as("the topic's scores, row for row, against the file's").containsExactlyElementsOf(fromFile);
        assertThat(fromFile).as("records past warm-up that alert").anyMatch(l -> l.endsWith(",false,true,"));

        // each line names its record in Kafka: an entity keeps its partition, and no offset repeats
        List<String> lines = Files.readAllLines(topicOut);
        assertThat(lines.get(0)).isEqualTo("row,entity,time,score,likelihood,anomaly_score,warming_up,alert,dead_letter,partition,offset");
        Map<String, String> partitionOf = new java.util.HashMap<>();
        Set<String> offsets = new HashSet<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] c = l.split(",", -1);
            assertThat(partitionOf.computeIfAbsent(c[1], k -> c[9])).isEqualTo(c[9]);
            assertThat(offsets.add(c[9] + "@" + c[10])).isTrue();
        }
    }

    @Test
    void offsetAndTimeRangesReadWhatTheyName() throws Exception {
        List<Row> rows = rows();
        String topic = topic("bt-range", 2);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(producerProperties(null), new StringSerializer(), new StringSerializer())) {
            rows.forEach(r -> p.send(record(topic, r)));
            p.flush();
        }
        // a time range over both partitions scores as a file of exactly the rows in it
        Instant from = Instant.ofEpochMilli(t0 + 15_000);
        Instant to = Instant.ofEpochMilli(t0 + 60_000);
        List<Row> inRange = rows.stream().filter(r -> r.time() >= from.toEpochMilli() && r.time() < to.toEpochMilli()).toList();
        Path timeOut = dir.resolve("time.csv");
        CliRun byTime = backtest("--topic", topic, "--bootstrap-servers", KAFKA.bootstrapServers(), "--from-time", from.toString(),
                "--to-time", to.toString(), "--out", timeOut.toString());
        assertThat(byTime.exit()).as(byTime.err()).isZero();
        Path subsetOut = dir.resolve("subset.csv");
        CliRun subset = backtest("--data", file("subset.csv", inRange).toString(), "--entity-column", "entity", "--time-column", "ts",
                "--out", subsetOut.toString());
        assertThat(subset.exit()).as(subset.err()).isZero();
        assertThat(scores(timeOut)).hasSize(inRange.size()).containsExactlyElementsOf(scores(subsetOut));

        // an offset range of one partition: offsets [3, 10)
        Path offsetOut = dir.resolve("offsets.jsonl");
        CliRun byOffset = backtest("--topic", topic, "--bootstrap-servers", KAFKA.bootstrapServers(), "--partition", "1",
                "--from-offset", "3", "--to-offset", "10", "--format", "jsonl", "--out", offsetOut.toString());
        assertThat(byOffset.exit()).as(byOffset.err()).isZero();
        List<String> lines = Files.readAllLines(offsetOut);
        assertThat(lines).hasSize(7);
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).contains("\"source\":{\"topic\":\"" + topic + "\",\"partition\":1,\"offset\":" + (3 + i) + "}");
        }
    }

    @Test
    void partitionsAreMergedByTimestampAsAStreamTaskTakesThem() throws Exception {
        String topic = topic("bt-merge", 2);
        // partition 0 at seconds 1, 5, 9 and partition 1 at 2, 3, 10: a task takes the head with the smallest timestamp
        long[][] seconds = {{1, 5, 9}, {2, 3, 10}};
        try (KafkaProducer<String, String> p = new KafkaProducer<>(producerProperties(null), new StringSerializer(), new StringSerializer())) {
            for (int partition = 0; partition < 2; partition++) {
                for (long s : seconds[partition]) {
                    p.send(new ProducerRecord<>(topic, partition, t0 + 1000 * s, "entity-" + partition, "{\"v0\":" + s + "}"));
                }
            }
            p.flush();
        }
        Path out = dir.resolve("merge.csv");
        CliRun run = backtest("--topic", topic, "--bootstrap-servers", KAFKA.bootstrapServers(), "--out", out.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        List<String> lines = Files.readAllLines(out);
        List<String> order = lines.subList(1, lines.size()).stream().map(l -> {
            String[] c = l.split(",", -1);
            return c[9] + "@" + c[10];
        }).toList();
        assertThat(order).containsExactly("0@0", "1@0", "1@1", "0@1", "0@2", "1@2");
    }

    @Test
    void wrongOptionsAreRefusedNamingThem() throws Exception {
        String topic = topic("bt-errors", 1);
        String bootstrap = KAFKA.bootstrapServers();
        assertThat(backtest("--data", "x.csv", "--topic", topic).err()).contains("either --data FILE or --topic NAME");
        assertThat(backtest().err()).contains("either --data FILE or --topic NAME");
        assertThat(backtest("--data", "x.csv", "--from-offset", "3").err()).contains("--from-offset: only with --topic");
        assertThat(backtest("--topic", topic).err()).contains("--bootstrap-servers: required with --topic");
        assertThat(backtest("--topic", topic, "--bootstrap-servers", bootstrap, "--entity-column", "host").err())
                .contains("--entity-column: only with --data");
        CliRun both = backtest("--topic", topic, "--bootstrap-servers", bootstrap, "--from-offset", "1", "--to-time",
                "2026-12-01T00:00:00Z");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("--from-offset and --to-time: bound the range by offsets or by times, not both");
        assertThat(backtest("--topic", topic, "--bootstrap-servers", bootstrap, "--from-offset", "9", "--to-offset", "2").err())
                .contains("--to-offset 2 is before --from-offset 9");
        CliRun badTime = backtest("--topic", topic, "--bootstrap-servers", bootstrap, "--from-time", "yesterday");
        assertThat(badTime.exit()).isEqualTo(2);
        assertThat(badTime.err()).contains("--from-time 'yesterday': not an ISO-8601 time");
        CliRun missing = backtest("--topic", topic + "-absent", "--bootstrap-servers", bootstrap, "--out",
                dir.resolve("none.csv").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("--topic " + topic + "-absent").contains("no topic '" + topic + "-absent'");
        CliRun noPartition = backtest("--topic", topic, "--bootstrap-servers", bootstrap, "--partition", "5", "--out",
                dir.resolve("none.csv").toString());
        assertThat(noPartition.exit()).isEqualTo(1);
        assertThat(noPartition.err()).contains("has no partition 5 (it has 1)");
    }
}
