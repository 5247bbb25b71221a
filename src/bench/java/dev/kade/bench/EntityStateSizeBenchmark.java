package dev.kade.bench;

import dev.kade.entity.AnomalyLikelihood;
import dev.kade.entity.EntityKey;
import dev.kade.entity.EntityState;
import dev.kade.entity.LikelihoodParams;
import dev.kade.entity.RocksDbSize;
import dev.kade.series.SeasonalSpec;
import dev.kade.series.SeriesSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * State bytes per entity, as the target defines it: RocksDB's live bytes ÷ entities, for N entities (1
 * million by default) with full windows at W = 32, F = 1, in the same store the stream uses (Kafka Streams'
 * persistent key-value store, caching off). Each entity gets 40 steps of noise, so its window, statistics and
 * likelihood are what a long-lived entity carries. Live bytes are {@code rocksdb.estimate-live-data-size} after
 * a flush (memtables included, {@link RocksDbSize}); the encoded value size is printed beside it. Prints a table
 * and writes it to {@code target/bench-entity-state.md}. Run with:
 * {@code mvn -B test -Dtest=EntityStateSizeBenchmark -Dkade.excludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false
 * [-Dkade.bench.entities=1000000]}.
 */
@Tag("benchmark")
class EntityStateSizeBenchmark {
    static final int ENTITIES = Integer.getInteger("kade.bench.entities", 1_000_000);
    /**
     * {@code -Dkade.bench.seasonal=true}: the seasonal layout (one raw value and its hour-of-week residual, F = 2,
     * plus the entity's seasonal profile, 168 week and 24 day bins), as {@code kade train --window 32} makes by
     * default; else the values-only layout (F = 1, {@code --no-seasonal}).
     */
    static final boolean SEASONAL = Boolean.getBoolean("kade.bench.seasonal");

    @Test
    void bytesPerEntity() throws Exception {
        SeriesSpec spec = SEASONAL
                ? SeriesSpec.of(32, 1).withSeasonal(Optional.of(SeasonalSpec.hourOfWeek(ZoneOffset.UTC)))
                : SeriesSpec.of(32, 1);
        AnomalyLikelihood likelihood = new AnomalyLikelihood(LikelihoodParams.DEFAULT);
        Path dir = Files.createTempDirectory("kade-state-bench");
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "state-bench");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(p, new TaskId(0, 0), dir.toFile());
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("kade-entities"),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled().withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        SplittableRandom random = new SplittableRandom(42);
        long valueBytes = 0;
        long keyBytes = 0;
        long t0 = System.nanoTime();
        float[] raw = new float[1];
        float[] step = new float[spec.features()];
        float[] errors = new float[spec.features()];
        long hour = 3_600_000L;
        for (int e = 0; e < ENTITIES; e++) {
            EntityState s = EntityState.fresh(spec, likelihood);
            for (int t = 0; t < 40; t++) {
                raw[0] = (float) (100 + random.nextGaussian());
                if (s.seasonal() != null) {
                    s.seasonal().step(raw, 0, 1_700_000_000_000L + t * hour, step, 0);
                } else {
                    step[0] = raw[0];
                }
                s.window().add(step);
                s.stats().update(step);
                for (int c = 0; c < errors.length; c++) {
                    errors[c] = (float) Math.abs(random.nextGaussian());
                }
                likelihood.update(s.likelihood(), errors, 0, false);
            }
            EntityKey key = EntityKey.ofRecordKey(("host-" + e).getBytes(StandardCharsets.UTF_8));
            byte[] value = s.toBytes();
            store.put(key.storeKey(), value);
            valueBytes += value.length;
            keyBytes += key.storeKey().get().length;
        }
        double writeSeconds = (System.nanoTime() - t0) / 1e9;
        store.flush();
        long live = RocksDbSize.liveBytes(store).orElse(-1);
        long approx = store.approximateNumEntries();
        store.close();
        String table = String.format(Locale.ROOT, """
                | entities | W | F | layout | value bytes/entity | key bytes/entity | RocksDB live bytes | live bytes/entity | approx. entries | write s |
                |---|---|---|---|---|---|---|---|---|---|
                | %d | %d | %d | %s | %.1f | %.1f | %d | %.1f | %d | %.1f |
                """, ENTITIES, spec.window(), spec.features(), SEASONAL ? "seasonal (value, value~season)" : "values only", valueBytes / (double) ENTITIES, keyBytes / (double) ENTITIES, live,
                live / (double) ENTITIES, approx, writeSeconds);
        System.out.println(table);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of(SEASONAL ? "target/bench-entity-state-seasonal.md" : "target/bench-entity-state.md"), table);
    }
}
