package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.entity.EntityKey;
import dev.kade.entity.SeriesPolicy;
import dev.kade.entity.SeriesSettings;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ServableModel;
import dev.kade.testing.WindowedTestScorer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A windowed batch's series counters ({@code kade_series_*}) are reported once per batch that is written: a batch
 * dropped uncommitted (a dirty task close, or scoring that threw) is read again, so its counts must go with it, and
 * an expiry sweep that runs while a batch is open reports its own deletions only, not the open batch's counts.
 */
class SeriesScoringTest {
    private static final int W = 4;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final KadeMetrics metrics = new KadeMetrics("kade");
    private final ModelRegistry models = ModelRegistry.of(ServableModel.unowned(new WindowedTestScorer(List.of("v"), W, "w1")));
    private KeyValueStore<Bytes, byte[]> kv;
    private SeriesScoring scoring;

    private void start(SeriesSettings settings) {
        metrics.bindTo(meters);
        MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
        kv = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ScoringTopology.ENTITY_STORE), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().withCachingDisabled().build();
        kv.init(context.getStateStoreContext(), kv);
        scoring = new SeriesScoring(settings, kv, metrics, "0_0");
    }

    @AfterEach
    void close() {
        if (scoring != null) {
            scoring.close();
            kv.close();
        }
        models.close();
    }

    private static Record<byte[], byte[]> record(String entity, double v, long time) {
        return new Record<>(entity.getBytes(StandardCharsets.UTF_8), ("{\"v\":" + v + "}").getBytes(StandardCharsets.UTF_8), time);
    }

    /** Admits the records as one batch (the processor's order: begin, admit each, score, judge each row). */
    private void admit(List<Record<byte[], byte[]>> records) {
        assertThat(scoring.begin(models)).isTrue();
        records.forEach(scoring::admit);
    }

    private void scoreAndFinish(int rows) {
        scoring.score();
        for (int r = 0; r < rows; r++) {
            scoring.judge(r);
        }
        scoring.finish();
    }

    private double counter(String name) {
        return meters.get(name).counter().count();
    }

    @Test
    void aDiscardedBatchIsCountedOnlyWhenItsRecordsAreReadAgainAndWritten() {
        start(SeriesSettings.DEFAULT);
        // two new entities, every record warming up (fewer than W steps each)
        List<Record<byte[], byte[]>> batch = List.of(record("a", 1, 1000), record("a", 2, 2000), record("b", 5, 2000),
                record("a", 3, 3000));
        admit(batch);
        scoring.discard();
        assertThat(counter(KadeMetrics.SERIES_CREATED)).as("new entities of a discarded batch").isZero();
        assertThat(counter(KadeMetrics.SERIES_WARMUPS)).as("warm-ups of a discarded batch").isZero();

        // the same records read again, this time written
        admit(batch);
        scoreAndFinish(batch.size());
        assertThat(counter(KadeMetrics.SERIES_CREATED)).as("new entities, one pass").isEqualTo(2);
        assertThat(counter(KadeMetrics.SERIES_WARMUPS)).as("warm-ups, one pass").isEqualTo(4);
    }

    @Test
    void aSweepDueInsideAnOpenBatchRunsWhenTheBatchIsWrittenAndCountsOnlyItsDeletions() {
        start(SeriesSettings.DEFAULT.withPolicy(SeriesPolicy.DEFAULT.withExpiry(Duration.ofSeconds(10), Duration.ofSeconds(1), 100)));
        admit(List.of(record("old", 1, 50_000), record("other", 1, 55_000)));
        scoreAndFinish(2);
        assertThat(counter(KadeMetrics.SERIES_CREATED)).isEqualTo(2);
        byte[] oldKey = EntityKey.ofRecordKey("old".getBytes(StandardCharsets.UTF_8)).storeKey().get();

        // a batch opens whose own record makes "old" idle (11 s on; by the last commit's clock it is not); the sweep comes due inside it
        List<Record<byte[], byte[]>> batch = List.of(record("new", 1, 61_000));
        admit(batch);
        scoring.sweep();
        assertThat(kv.get(Bytes.wrap(oldKey))).as("nothing deleted while the batch is open").isNotNull();
        assertThat(counter(KadeMetrics.SERIES_EXPIRED)).isZero();

        // the batch is dropped: its counts go with it, the due sweep waits for the next written batch
        scoring.discard();
        assertThat(kv.get(Bytes.wrap(oldKey))).isNotNull();
        admit(batch);
        scoreAndFinish(batch.size());
        assertThat(kv.get(Bytes.wrap(oldKey))).as("deleted once the batch that made it idle is written").isNull();
        assertThat(counter(KadeMetrics.SERIES_EXPIRED)).as("old expired once").isEqualTo(1);
        assertThat(counter(KadeMetrics.SERIES_CREATED)).as("old, other, then new once").isEqualTo(3);
        assertThat(counter(KadeMetrics.SERIES_WARMUPS)).isEqualTo(3);
    }
}
