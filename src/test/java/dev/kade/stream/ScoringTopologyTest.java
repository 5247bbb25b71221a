package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.ModelWatcher;
import dev.kade.app.StreamsSetup;
import dev.kade.config.KadeConfig;
import dev.kade.metrics.BatchTrigger;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ModelMetadata;
import dev.kade.model.Scorer;
import dev.kade.model.Scores;
import dev.kade.model.ServableModel;
import dev.kade.onnx.OnnxModel;
import dev.kade.output.DeadLetterHeaders;
import dev.kade.testing.TestModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The scoring topology in {@link TopologyTestDriver}, scored by a real ONNX model through ONNX Runtime. */
class ScoringTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final Instant EVENT = Instant.parse("2026-11-25T11:59:58.123Z");

    @TempDir
    Path dir;
    private TopologyTestDriver driver;
    private ModelRegistry models;
    private KadeMetrics metrics;
    private SimpleMeterRegistry meters;
    private TestInputTopic<byte[], byte[]> metricsIn;
    private TestInputTopic<byte[], byte[]> eventsIn;
    private TestOutputTopic<byte[], byte[]> alerts;
    private TestOutputTopic<byte[], byte[]> scores;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private Batching batching = Batching.DEFAULT;

    private void start(Scorer scorer) {
        KadeConfig config = KadeConfig.fromMap(Map.of("bootstrap.servers", "unused:9092", "input.topics", "metrics,events",
                "model.path", dir.resolve("model.onnx").toString(), "scores.topic", "kade-scores"));
        meters = new SimpleMeterRegistry();
        metrics = new KadeMetrics("kade");
        metrics.bindTo(meters);
        metrics.modelServing(scorer.metadata(), NOW);
        models = ModelRegistry.of(scorer instanceof ServableModel owned ? owned : ServableModel.unowned(scorer));
        TopologyConfig topologyConfig = new TopologyConfig(StreamsSetup.topics(config), config.alertTopFeatures(),
                Clock.fixed(NOW, ZoneOffset.UTC), batching);
        driver = new TopologyTestDriver(ScoringTopology.build(topologyConfig, models, metrics),
                StreamsSetup.properties(config, metrics));
        var ser = new ByteArraySerializer();
        var de = new ByteArrayDeserializer();
        metricsIn = driver.createInputTopic("metrics", ser, ser);
        eventsIn = driver.createInputTopic("events", ser, ser);
        alerts = driver.createOutputTopic("kade-alerts", de, de);
        scores = driver.createOutputTopic("kade-scores", de, de);
        deadLetters = driver.createOutputTopic("kade-dead-letters", de, de);
    }

    /** Starts with a scorer written in the test (to inject faults), describing itself as the test model does. */
    private void startWithTestModelMetadata(java.util.function.Function<float[][], Scores> scoring) {
        ModelMetadata meta;
        try (OnnxModel real = OnnxModel.load(TestModels.writeModel(dir.resolve("model.onnx"), "v1"))) {
            meta = real.metadata();
        }
        start(new Scorer() {
            @Override
            public Scores score(float[][] rows) {
                return scoring.apply(rows);
            }

            @Override
            public ModelMetadata metadata() {
                return meta;
            }
        });
    }

    private void startWithModel(String version) {
        start(OnnxModel.load(TestModels.writeModel(dir.resolve("model.onnx"), version)));
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        if (models != null) {
            models.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void scoresEveryRecordAndAlertsOnlyOnAnomalies() {
        startWithModel("v1");
        Random random = new Random(1);
        for (int i = 0; i < 100; i++) {
            metricsIn.pipeInput(bytes("k" + i), bytes(i % 25 == 7 ? TestModels.anomaly(random) : TestModels.normal(random)));
        }
        assertThat(scores.readValuesToList()).hasSize(100);
        List<TestRecord<byte[], byte[]>> alerted = alerts.readRecordsToList();
        assertThat(alerted).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactly("k7", "k32", "k57", "k82");
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(metrics.counts()).isEqualTo(new KadeMetrics.Counts(100, 100, 4, 0));
    }

    @Test
    void withBatchingEachDriverCommitScoresTheBufferThroughThePreCommitHook() {
        startWithModel("v1");
        Random random = new Random(5);
        for (int i = 0; i < 3; i++) {
            metricsIn.pipeInput(bytes("k" + i), bytes(TestModels.normal(random)));
            // TopologyTestDriver commits after every record: the record is out before its offset would be
            assertThat(scores.getQueueSize()).isEqualTo(i + 1);
        }
        assertThat(metrics.batches(BatchTrigger.COMMIT)).isEqualTo(3);
        assertThat(metrics.batches(BatchTrigger.SIZE)).isZero();
    }

    @Test
    void batchSizeOneGivesTheSameOutputsAsBatching() {
        List<List<TestRecord<byte[], byte[]>>> runs = new java.util.ArrayList<>();
        for (Batching b : List.of(Batching.DEFAULT, Batching.NONE)) {
            close();
            batching = b;
            startWithModel("v1");
            Random random = new Random(9);
            for (int i = 0; i < 60; i++) {
                String v = i % 20 == 3 ? "not json" : i % 15 == 0 ? TestModels.anomaly(random) : TestModels.normal(random);
                metricsIn.pipeInput(new TestRecord<>(bytes("k" + i), bytes(v), EVENT.plusMillis(i)));
            }
            List<TestRecord<byte[], byte[]>> out = new java.util.ArrayList<>(scores.readRecordsToList());
            out.addAll(alerts.readRecordsToList());
            deadLetters.readRecordsToList().forEach(r -> out.add(new TestRecord<>(r.key(), r.value(), null, r.timestamp())));
            runs.add(out);
        }
        assertThat(metrics.batches(BatchTrigger.SIZE)).isEqualTo(60);
        assertThat(runs.get(0)).hasSize(57 + 4 + 3); // scores, alerts, dead letters
        assertThat(runs.get(1)).usingElementComparator((a, b) -> java.util.Arrays.equals(a.key(), b.key())
                && java.util.Arrays.equals(a.value(), b.value()) && a.timestamp().equals(b.timestamp()) ? 0 : 1)
                .containsExactlyElementsOf(runs.get(0));
    }

    @Test
    void alertCarriesEveryDocumentedField() throws Exception {
        startWithModel("v1");
        String input = TestModels.record(5, 5, 13);
        eventsIn.pipeInput(new TestRecord<>(bytes("host-7"), bytes(input), EVENT));
        TestRecord<byte[], byte[]> record = alerts.readRecord();
        assertThat(record.key()).isEqualTo(bytes("host-7"));
        assertThat(record.timestamp()).isEqualTo(EVENT.toEpochMilli());
        JsonNode alert = JSON.readTree(record.value());
        assertThat(alert.fieldNames()).toIterable().containsExactly("key", "features", "score", "threshold", "percentile",
                "model", "top_features", "event_time", "detection_time", "source");
        assertThat(alert.get("key").asText()).isEqualTo("host-7");
        assertThat(alert.get("features")).isEqualTo(JSON.readTree("{\"cpu\":5.0,\"memory.used\":5.0,\"latency_ms\":13.0}"));
        assertThat(alert.get("score").asDouble()).isCloseTo(128.0 / 9, within(1e-3));
        assertThat(alert.get("threshold").asDouble()).isEqualTo(TestModels.THRESHOLD);
        assertThat(alert.get("percentile").asDouble()).isEqualTo(100.0);
        assertThat(alert.get("model").get("kind").asText()).isEqualTo("reconstruction");
        assertThat(alert.get("model").get("version").asText()).isEqualTo("v1");
        JsonNode top = alert.get("top_features");
        assertThat(top).hasSize(3);
        assertThat(top.get(0).get("feature").asText()).isEqualTo("latency_ms");
        assertThat(top.get(0).get("error").asDouble()).isCloseTo(256.0 / 9, within(1e-3));
        assertThat(top.get(0).get("share").asDouble()).isCloseTo(2.0 / 3, within(1e-3));
        assertThat(top.get(1).get("share").asDouble() + top.get(2).get("share").asDouble()).isCloseTo(1.0 / 3, within(1e-3));
        assertThat(alert.get("event_time").asText()).isEqualTo("2026-11-25T11:59:58.123Z");
        assertThat(alert.get("detection_time").asText()).isEqualTo("2026-11-25T12:00:00Z");
        assertThat(alert.get("source").get("topic").asText()).isEqualTo("events");
        assertThat(alert.get("source").get("partition").asInt()).isZero();
        assertThat(alert.get("source").get("offset").asLong()).isZero();
    }

    @Test
    void scoresRecordCarriesScoreThresholdAnomalyPercentileVersionAndSource() throws Exception {
        startWithModel("v1");
        metricsIn.pipeInput(bytes("a"), bytes(TestModels.record(5, 5, 5)));
        metricsIn.pipeInput(bytes("b"), bytes(TestModels.record(5, 5, 13)));
        List<TestRecord<byte[], byte[]>> out = scores.readRecordsToList();
        assertThat(out).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactly("a", "b");
        JsonNode normal = JSON.readTree(out.get(0).value());
        assertThat(normal.fieldNames()).toIterable().containsExactly("score", "threshold", "anomaly", "percentile",
                "model_version", "source");
        assertThat(normal.get("score").asDouble()).isLessThan(0.001);
        assertThat(normal.get("anomaly").asBoolean()).isFalse();
        assertThat(normal.get("percentile").asDouble()).isBetween(0.0, 50.0);
        assertThat(normal.get("model_version").asText()).isEqualTo("v1");
        assertThat(normal.get("source").get("offset").asLong()).isZero();
        JsonNode anomalous = JSON.readTree(out.get(1).value());
        assertThat(anomalous.get("anomaly").asBoolean()).isTrue();
        assertThat(anomalous.get("source").get("offset").asLong()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "not_json|{\"cpu\": 1,|",
        "not_an_object|[1, 2, 3]|",
        "missing_feature|{\"cpu\": 1, \"latency_ms\": 2}|memory.used",
        "non_numeric|{\"cpu\": \"high\", \"memory\": {\"used\": 1}, \"latency_ms\": 2}|cpu",
        "non_finite|{\"cpu\": 1, \"memory\": {\"used\": 1e39}, \"latency_ms\": 2}|memory.used",
        "non_finite|{\"cpu\": 1, \"memory\": {\"used\": 1}, \"latency_ms\": \"NaN\"}|latency_ms",
        "empty_value|''|",
    })
    void unreadableRecordIsDeadLetteredWithOriginalBytesReasonAndSource(String reason, String value, String feature) {
        startWithModel("v1");
        metricsIn.pipeInput(bytes("ok"), bytes(TestModels.record(1, 1, 1)));
        byte[] original = value.equals("''") ? new byte[0] : bytes(value);
        Headers headers = new RecordHeaders().add("trace-id", bytes("abc"));
        metricsIn.pipeInput(new TestRecord<>(bytes("bad-key"), original, headers, EVENT));
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo(bytes("bad-key"));
        assertThat(dead.value()).isEqualTo(original);
        assertThat(dead.timestamp()).isEqualTo(EVENT.toEpochMilli());
        Headers h = dead.headers();
        assertThat(header(h, DeadLetterHeaders.REASON)).isEqualTo(reason);
        assertThat(header(h, DeadLetterHeaders.DETAIL)).isNotBlank();
        assertThat(header(h, DeadLetterHeaders.FEATURE)).isEqualTo(feature);
        assertThat(header(h, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("metrics");
        assertThat(header(h, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(h, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("1");
        assertThat(header(h, DeadLetterHeaders.TIMESTAMP)).isEqualTo("2026-11-25T12:00:00Z");
        assertThat(header(h, "trace-id")).isEqualTo("abc");
        assertThat(metrics.counts()).isEqualTo(new KadeMetrics.Counts(2, 1, 0, 1));
        assertThat(meters.get(KadeMetrics.DEAD_LETTERS).tag("reason", reason).counter().count()).isEqualTo(1);
    }

    @Test
    void nullValueTombstoneIsDeadLetteredAsEmptyValue() {
        startWithModel("v1");
        metricsIn.pipeInput(bytes("gone"), (byte[]) null);
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo(bytes("gone"));
        assertThat(dead.value()).isNull();
        assertThat(header(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("empty_value");
    }

    @Test
    void modelFailureDeadLettersTheRecordAsScoringFailedAndKeepsGoing() throws Exception {
        startWithTestModelMetadata(rows -> {
            if (rows[0][0] < 0) {
                throw new IllegalStateException("native failure");
            }
            return new Scores(new float[] {rows[0][0] == 99 ? Float.NaN : 0.001f}, new float[][] {new float[3]});
        });
        metricsIn.pipeInput(bytes("a"), bytes(TestModels.record(-1, 1, 1)));
        metricsIn.pipeInput(bytes("b"), bytes(TestModels.record(99, 1, 1)));
        metricsIn.pipeInput(bytes("c"), bytes(TestModels.record(1, 1, 1)));
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(r -> header(r.headers(), DeadLetterHeaders.REASON))
                .containsExactly("scoring_failed", "scoring_failed");
        assertThat(header(dead.get(0).headers(), DeadLetterHeaders.DETAIL)).contains("native failure");
        assertThat(header(dead.get(1).headers(), DeadLetterHeaders.DETAIL)).contains("non-finite");
        assertThat(scores.readValuesToList()).hasSize(1);
    }

    @Test
    void aBugInTheScorerSendsOnlyThatRecordToTheDeadLetterTopicAndProcessingContinues() throws Exception {
        // a scorer that breaks the Scorer contract (more feature errors than features), as a bug would; in a
        // batch only that record may fail, not the batch or the commit it runs in
        startWithTestModelMetadata(rows -> {
            boolean buggy = rows[0][0] == 666;
            return new Scores(new float[] {buggy ? 50f : 0.001f}, new float[][] {buggy ? new float[] {0, 0, 0, 0, 1} : new float[3]});
        });
        metricsIn.pipeInput(bytes("bug"), bytes(TestModels.record(666, 1, 1)));
        metricsIn.pipeInput(bytes("fine"), bytes(TestModels.record(1, 1, 1)));
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo(bytes("bug"));
        assertThat(dead.value()).isEqualTo(bytes(TestModels.record(666, 1, 1)));
        assertThat(header(dead.headers(), DeadLetterHeaders.REASON)).isEqualTo("processing_error");
        assertThat(header(dead.headers(), DeadLetterHeaders.DETAIL)).contains("broke its contract");
        assertThat(deadLetters.isEmpty()).isTrue();
        // the record after the bug was processed normally
        assertThat(scores.readValuesToList()).hasSize(1); // no partial output from the failed record
        assertThat(alerts.isEmpty()).isTrue();
        // and it is counted, so records in = scored + dead-lettered still holds
        assertThat(meters.get("kade.dead.letters").tag("reason", "processing_error").counter().count()).isEqualTo(1.0);
        KadeMetrics.Counts c = metrics.counts();
        assertThat(c.in()).isEqualTo(2);
        assertThat(c.scored() + c.deadLettered()).isEqualTo(c.in());
    }

    @Test
    void recordsInEqualScoredPlusDeadLetteredAcrossMixedInput() {
        startWithModel("v1");
        Random random = new Random(7);
        int bad = 0;
        for (int i = 0; i < 500; i++) {
            String v;
            if (i % 50 == 3) {
                v = "not json " + i;
                bad++;
            } else if (i % 50 == 4) {
                v = "{\"cpu\": 1}";
                bad++;
            } else {
                v = i % 40 == 0 ? TestModels.anomaly(random) : TestModels.normal(random);
            }
            (i % 2 == 0 ? metricsIn : eventsIn).pipeInput(bytes("k" + i), bytes(v));
        }
        long scored = scores.getQueueSize();
        long dead = deadLetters.getQueueSize();
        assertThat(scored + dead).isEqualTo(500);
        assertThat(dead).isEqualTo(bad);
        assertThat(alerts.getQueueSize()).isEqualTo(13);
        KadeMetrics.Counts c = metrics.counts();
        assertThat(c.in()).isEqualTo(c.scored() + c.deadLettered()).isEqualTo(500);
        assertThat(meters.get(KadeMetrics.RECORDS_IN).tag("topic", "metrics").counter().count()).isEqualTo(250);
    }

    @Test
    void reloadSwapsTheModelAndAlertsNameTheVersionThatScoredThem() throws Exception {
        Path file = TestModels.writeModel(dir.resolve("model.onnx"), "v1");
        start(OnnxModel.load(file));
        ModelWatcher watcher = new ModelWatcher(file, models, metrics, p -> OnnxModel.load(p), Clock.fixed(NOW, ZoneOffset.UTC));

        metricsIn.pipeInput(bytes("a"), bytes(TestModels.record(5, 5, 13)));
        assertThat(watcher.checkNow()).isEqualTo(ModelWatcher.Outcome.UNCHANGED);

        TestModels.writeModel(file, "v2", TestModels.FEATURES, 2.0);
        assertThat(watcher.checkNow()).isEqualTo(ModelWatcher.Outcome.SWAPPED);
        metricsIn.pipeInput(bytes("b"), bytes(TestModels.record(5, 5, 13)));

        TestModels.corrupt(file);
        assertThat(watcher.checkNow()).isEqualTo(ModelWatcher.Outcome.REFUSED);
        assertThat(watcher.checkNow()).isEqualTo(ModelWatcher.Outcome.UNCHANGED); // not retried until it changes
        metricsIn.pipeInput(bytes("c"), bytes(TestModels.record(5, 5, 13)));

        TestModels.writeModel(file, "v3-other-features", List.of("cpu", "disk", "latency_ms"), 1.0);
        assertThat(watcher.checkNow()).isEqualTo(ModelWatcher.Outcome.REFUSED);
        metricsIn.pipeInput(bytes("d"), bytes(TestModels.record(5, 5, 13)));

        List<String> versions = alerts.readValuesToList().stream()
                .map(v -> readTree(v).get("model").get("version").asText()).toList();
        assertThat(versions).containsExactly("v1", "v2", "v2", "v2");
        assertThat(JSON.readTree(scores.readValuesToList().get(3)).get("threshold").asDouble()).isEqualTo(2.0);
        assertThat(meters.get(KadeMetrics.MODEL_LOADS).tag("result", "success").counter().count()).isEqualTo(2);
        assertThat(meters.get(KadeMetrics.MODEL_LOADS).tag("result", "failure").counter().count()).isEqualTo(2);
        assertThat(meters.find(KadeMetrics.MODEL_INFO).gauges()).singleElement()
                .satisfies(g -> assertThat(g.getId().getTag("version")).isEqualTo("v2"));
        assertThat(models.metadata().version()).isEqualTo("v2");
    }

    private static JsonNode readTree(byte[] v) {
        try {
            return JSON.readTree(v);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
