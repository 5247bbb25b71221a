package dev.kade.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.config.ConfigException;
import dev.kade.config.KadeConfig;
import dev.kade.input.AvroInput;
import dev.kade.input.ProtobufInput;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A schema lookup blocks the stream thread, so start-up refuses registry settings whose worst case exceeds half of
 * the transaction timeout (exactly-once) or of the poll interval (at-least-once), naming the setting.
 */
class RegistryLookupBoundTest {
    private static KadeConfig config(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("bootstrap.servers", "k:9092", "input.topics", "in", "model.path", "/m.onnx",
                "input.format", "avro", "schema.registry.url", "http://127.0.0.1:1"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return KadeConfig.fromMap(m);
    }

    @Test
    void theDefaultsFitExactlyOnce() {
        assertThat(StreamsSetup.input(config())).isInstanceOf(AvroInput.class);
    }

    @Test
    void aLookupLongerThanHalfTheTransactionTimeoutIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> StreamsSetup.input(config("schema.registry.request.timeout.ms", "5000",
                "schema.registry.retries", "2"))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("schema.registry.request.timeout.ms").hasMessageContaining("transaction.timeout.ms (10000 ms)");
    }

    @Test
    void aLongerTransactionTimeoutOrAtLeastOnceAllowsIt() {
        assertThat(StreamsSetup.input(config("schema.registry.request.timeout.ms", "5000", "schema.registry.retries", "2",
                "kafka.producer.transaction.timeout.ms", "60000"))).isInstanceOf(AvroInput.class);
        assertThat(StreamsSetup.input(config("schema.registry.request.timeout.ms", "5000", "schema.registry.retries", "2",
                "processing.guarantee", "at_least_once"))).isInstanceOf(AvroInput.class);
    }

    @Test
    void protobufInputIsHeldToTheSameBoundAndNeedsARegistryURL() {
        assertThat(StreamsSetup.input(config("input.format", "protobuf"))).isInstanceOf(ProtobufInput.class);
        assertThatThrownBy(() -> StreamsSetup.input(config("input.format", "protobuf", "schema.registry.request.timeout.ms",
                "5000", "schema.registry.retries", "2"))).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("schema.registry.request.timeout.ms");
        assertThatThrownBy(() -> config("input.format", "protobuf", "schema.registry.url", "")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("schema.registry.url").hasMessageContaining("input.format=protobuf");
    }
}
