package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.app.StreamsSetup;
import dev.kade.config.KadeConfig;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ServableModel;
import dev.kade.onnx.OnnxModel;
import dev.kade.testing.TestModels;
import dev.kade.testing.WindowedTestScorer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch whose forwarding throws half way (a fenced producer, a failed send) is not committed: Kafka Streams closes
 * the task dirty and its records are read again. Its records must then be counted once, when they are read again and
 * forwarded, so that records in = scored + dead-lettered still holds and the series counters count each record once.
 * Drives the {@link ScoringProcessor} on a {@link MockProcessorContext} whose next forward can be made to fail.
 */
class FailedBatchCountsTest {
    @TempDir
    Path dir;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final KadeMetrics metrics = new KadeMetrics("kade");
    private ModelRegistry models;
    private ScoringProcessor processor;
    private KeyValueStore<Bytes, byte[]> kv;
    private final FailingForwards<byte[], byte[]> context = new FailingForwards<>();
    private long offset;

    /** A context whose forward throws once, when armed: what a producer that failed a send does to a batch. */
    static final class FailingForwards<KF, VF> extends MockProcessorContext<KF, VF> {
        private boolean failNext;

        @Override
        public <K extends KF, V extends VF> void forward(Record<K, V> record, String childName) {
            if (failNext) {
                failNext = false;
                throw new StreamsException("send failed (test)");
            }
            super.forward(record, childName);
        }
    }

    private void start(ServableModel model, boolean windowed) {
        start(model, windowed, Map.of());
    }

    private void start(ServableModel model, boolean windowed, Map<String, String> settings) {
        Map<String, String> m = new HashMap<>(Map.of("bootstrap.servers", "unused:9092", "input.topics", "metrics",
                "model.path", dir.resolve("model.onnx").toString(), "scores.topic", "kade-scores"));
        m.putAll(settings);
        KadeConfig config = KadeConfig.fromMap(m);
        metrics.bindTo(meters);
        metrics.modelServing(model.metadata(), java.time.Instant.parse("2026-12-01T00:00:00Z"));
        models = ModelRegistry.of(model);
        if (windowed) {
            kv = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ScoringTopology.ENTITY_STORE), Serdes.Bytes(),
                    Serdes.ByteArray()).withLoggingDisabled().withCachingDisabled().build();
            kv.init(context.getStateStoreContext(), kv);
            context.addStateStore(kv);
        }
        processor = new ScoringProcessor(StreamsSetup.topology(config), models, metrics, windowed);
        processor.init(context);
    }

    @AfterEach
    void close() {
        if (processor != null) {
            processor.close();
        }
        if (kv != null) {
            kv.close();
        }
        if (models != null) {
            models.close();
        }
    }

    /** Processes the record as the next offset of "metrics"; {@code again}: the same offset, read again. */
    private void process(String key, String value, long time, boolean again) {
        if (again) {
            offset--;
        }
        context.setRecordMetadata("metrics", 0, offset++);
        processor.process(new Record<>(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), time));
    }

    /** Processes the record with its forward failing, then reads it again (as the revived task does). */
    private void failThenReadAgain(String key, String value, long time) {
        context.failNext = true;
        assertThatThrownBy(() -> process(key, value, time, false)).isInstanceOf(StreamsException.class);
        process(key, value, time, true);
    }

    private double count(String name) {
        return meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    @Test
    void aPerRecordBatchThatFailedToForwardIsCountedOnceWhenReadAgain() {
        start(OnnxModel.load(TestModels.writeModel(dir.resolve("model.onnx"), "v1")), false);
        Random random = new Random(1);
        process("k1", TestModels.normal(random), 1000, false);
        failThenReadAgain("k2", TestModels.normal(random), 2000);
        failThenReadAgain("k3", "not json", 3000);

        assertThat(context.forwarded(ScoringTopology.SCORES_SINK)).hasSize(2);
        assertThat(context.forwarded(ScoringTopology.DEAD_LETTER_SINK)).hasSize(1);
        assertThat(count(KadeMetrics.RECORDS_IN)).as("records in").isEqualTo(3);
        assertThat(count(KadeMetrics.DEAD_LETTERS)).as("dead letters").isEqualTo(1);
        assertThat(count(KadeMetrics.RECORDS_SCORED)).as("scored").isEqualTo(2);
    }

    @Test
    void aRecordThatFailedToDecodeIsCountedOnceItsDeadLetterIsForwarded() {
        start(OnnxModel.load(TestModels.writeModel(dir.resolve("model.onnx"), "v1")), false, Map.of("input.format", "json_schema"));
        // plain JSON without the wire-format header: dead-lettered at decoding, before any batch
        failThenReadAgain("k1", TestModels.normal(new Random(1)), 1000);

        assertThat(context.forwarded(ScoringTopology.DEAD_LETTER_SINK)).hasSize(1);
        assertThat(count(KadeMetrics.RECORDS_IN)).as("records in").isEqualTo(1);
        assertThat(count(KadeMetrics.DEAD_LETTERS)).as("dead letters").isEqualTo(1);
        assertThat(count(KadeMetrics.RECORDS_SCORED)).as("scored").isZero();
    }

    @Test
    void aWindowedBatchThatFailedToForwardIsCountedOnceWhenReadAgain() {
        start(ServableModel.unowned(new WindowedTestScorer(List.of("v"), 4, "w1")), true);
        process("a", "{\"v\":1}", 1000, false);
        failThenReadAgain("a", "{\"v\":2}", 2000);
        failThenReadAgain("b", "{\"v\":3}", 3000);

        assertThat(context.forwarded(ScoringTopology.SCORES_SINK)).hasSize(3);
        assertThat(count(KadeMetrics.RECORDS_IN)).as("records in").isEqualTo(3);
        assertThat(count(KadeMetrics.RECORDS_SCORED)).as("scored").isEqualTo(3);
        assertThat(count(KadeMetrics.SERIES_CREATED)).as("new entities").isEqualTo(2);
        assertThat(count(KadeMetrics.SERIES_WARMUPS)).as("warm-ups").isEqualTo(3);
    }
}
