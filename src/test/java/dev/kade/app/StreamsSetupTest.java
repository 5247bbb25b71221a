package dev.kade.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.config.ConfigException;
import dev.kade.config.KadeConfig;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ModelFiles;
import dev.kade.output.OutputLimits;
import dev.kade.stream.Batching;
import dev.kade.stream.CountingProcessingExceptionHandler;
import dev.kade.stream.KadeProductionExceptionHandler;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsSetupTest {
    private static KadeConfig config(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(Map.of("bootstrap.servers", "b:9092", "input.topics", "in", "model.path", "m.onnx"));
        m.putAll(extra);
        return KadeConfig.fromMap(m);
    }

    @Test
    void outputLimitDefaultsToTheProducersMaxRequestSizeLessHeadroom() {
        assertThat(StreamsSetup.topology(config(Map.of())).limits().maxBytes())
                .isEqualTo(OutputLimits.DEFAULT_MAX_REQUEST_SIZE - OutputLimits.HEADROOM);
        assertThat(StreamsSetup.topology(config(Map.of("kafka.max.request.size", "2097152"))).limits().maxBytes())
                .isEqualTo(2_097_152 - OutputLimits.HEADROOM);
        assertThat(StreamsSetup.topology(config(Map.of("kafka.producer.max.request.size", "3000000"))).limits().maxBytes())
                .isEqualTo(3_000_000 - OutputLimits.HEADROOM);
    }

    @Test
    void producerBatchesAre64KiBUnlessTheUserSetsBatchSize() {
        assertThat(StreamsSetup.properties(config(Map.of())).get("producer.batch.size")).isEqualTo("65536");
        // the producer reads what Kafka Streams gives it: the prefixed default, not the client's 16 KiB
        Map<String, Object> producer = new StreamsConfig(StreamsSetup.properties(config(Map.of())))
                .getProducerConfigs("client");
        assertThat(producer.get("batch.size")).isEqualTo("65536");
        Properties plain = StreamsSetup.properties(config(Map.of("kafka.batch.size", "32768")));
        assertThat(plain.get("producer.batch.size")).isNull();
        assertThat(new StreamsConfig(plain).getProducerConfigs("client").get("batch.size")).isEqualTo("32768");
        assertThat(StreamsSetup.properties(config(Map.of("kafka.producer.batch.size", "1000"))).get("producer.batch.size"))
                .isEqualTo("1000");
    }

    @Test
    void outputMaxBytesWinsAndIsValidatedNamingTheKey() {
        assertThat(StreamsSetup.topology(config(Map.of("output.max.bytes", "65536"))).limits().maxBytes()).isEqualTo(65_536);
        assertThatThrownBy(() -> config(Map.of("output.max.bytes", "100")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("output.max.bytes");
    }

    @Test
    void defaultsTheStreamPackageRepeatsAgreeWithTheirOneDefinitionInTheConfig() {
        // stream does not depend on config, so it spells these out; they must not drift apart
        assertThat(StreamsSetup.topology(config(Map.of())).batching()).isEqualTo(Batching.DEFAULT);
        assertThat(KadeConfig.MIN_OUTPUT_MAX_BYTES).isEqualTo(OutputLimits.MIN_BYTES);
        assertThat(KadeConfig.DEFAULT_MODEL_MAX_BYTES).isEqualTo(ModelFiles.DEFAULT_MAX_BYTES);
        assertThat(KadeConfig.MAX_MODEL_MAX_BYTES).isEqualTo(ModelFiles.LIMIT_MAX_BYTES);
    }

    @Test
    void theScorersPropertiesCountProcessingErrorsButKeepAHandlerTheUserChose() {
        KadeMetrics metrics = new KadeMetrics("kade");
        Properties p = StreamsSetup.properties(config(Map.of()), metrics);
        assertThat(p.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(CountingProcessingExceptionHandler.class.getName());
        assertThat(p.get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(KadeProductionExceptionHandler.class.getName());
        assertThat(p.get(CountingProcessingExceptionHandler.METRICS_CONFIG)).isSameAs(metrics);
        String own = org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler.class.getName();
        Properties custom = StreamsSetup.properties(
                config(Map.of("kafka." + StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, own)), metrics);
        assertThat(custom.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG)).isEqualTo(own);
    }

    /** Issue 17 #10: Streams warned "Processing exception handler is not enabled for the GlobalThread" four times per start. */
    @Test
    void kadesStreamsPropertiesRaiseNoGlobalThreadHandlerWarning() {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(StreamsConfig.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen = new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        ch.qos.logback.classic.Level before = log.getLevel();
        log.setLevel(ch.qos.logback.classic.Level.WARN);
        log.addAppender(seen);
        try {
            new StreamsConfig(StreamsSetup.properties(config(Map.of()), new KadeMetrics("kade")));
        } finally {
            log.detachAppender(seen);
            log.setLevel(before);
        }
        assertThat(seen.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .noneMatch(m -> m.contains("not enabled for the GlobalThread"));
        assertThat(StreamsSetup.properties(config(Map.of())))
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
    }

    /** Issue 21: lz4 on kade's producer by default (measured to cut kade's and the broker's CPU per record), the user's choice kept. */
    @Test
    void kadesProducerCompressesWithLz4UnlessTheUserChoseACompression() throws Exception {
        KadeMetrics metrics = new KadeMetrics("kade");
        StreamsConfig streams = new StreamsConfig(StreamsSetup.properties(config(Map.of()), metrics));
        assertThat(streams.getProducerConfigs("kade-producer")).containsEntry("compression.type", "lz4");
        Class.forName("net.jpountz.lz4.LZ4Factory"); // the codec the producer loads is on kade's class path
        assertThat(new StreamsConfig(StreamsSetup.properties(config(Map.of("kafka.compression.type", "zstd")), metrics))
                .getProducerConfigs("kade-producer")).containsEntry("compression.type", "zstd");
        assertThat(new StreamsConfig(StreamsSetup.properties(config(Map.of("kafka.producer.compression.type", "none")), metrics))
                .getProducerConfigs("kade-producer")).containsEntry("compression.type", "none");
        // the plain properties (the benchmarks' pass-through app) keep Kafka's default
        assertThat(StreamsSetup.properties(config(Map.of()))).doesNotContainKey(StreamsSetup.PRODUCER_COMPRESSION);
    }

    @Test
    void entityStoresShareABoundedMemoryUnlessOffOrTheUserConfiguredRocksDb() {
        KadeMetrics metrics = new KadeMetrics("kade");
        java.util.Properties p = StreamsSetup.properties(config(Map.of()), metrics);
        assertThat(p).containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, dev.kade.entity.BoundedRocksDb.class.getName())
                .containsEntry(dev.kade.entity.BoundedRocksDb.MEMORY_CONFIG, 128L << 20);
        assertThat(StreamsSetup.properties(config(Map.of("series.state.memory.bytes", "0")), metrics))
                .doesNotContainKey(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG);
        assertThat(StreamsSetup.properties(config(Map.of("kafka.rocksdb.config.setter", MyRocksDb.class.getName())), metrics))
                .containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, MyRocksDb.class.getName())
                .doesNotContainKey(dev.kade.entity.BoundedRocksDb.MEMORY_CONFIG);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> config(Map.of("series.state.memory.bytes", "1000")))
                .isInstanceOf(dev.kade.config.ConfigException.class)
                .hasMessageStartingWith("series.state.memory.bytes: invalid value '1000', must be 0 or at least 16777216");
    }

    /** A user's own RocksDB configuration. */
    public static final class MyRocksDb implements org.apache.kafka.streams.state.RocksDBConfigSetter {
        @Override
        public void setConfig(String storeName, org.rocksdb.Options options, Map<String, Object> configs) {
        }

        @Override
        public void close(String storeName, org.rocksdb.Options options) {
        }
    }
}
