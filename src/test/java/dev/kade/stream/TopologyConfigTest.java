package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.config.ConfigException;
import dev.kade.config.KadeConfig;
import dev.kade.output.OutputLimits;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyConfigTest {
    private static KadeConfig config(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(Map.of("bootstrap.servers", "b:9092", "input.topics", "in", "model.path", "m.onnx"));
        m.putAll(extra);
        return KadeConfig.fromMap(m);
    }

    @Test
    void outputLimitDefaultsToTheProducersMaxRequestSizeLessHeadroom() {
        assertThat(TopologyConfig.from(config(Map.of())).limits().maxBytes())
                .isEqualTo(OutputLimits.DEFAULT_MAX_REQUEST_SIZE - OutputLimits.HEADROOM);
        assertThat(TopologyConfig.from(config(Map.of("kafka.max.request.size", "2097152"))).limits().maxBytes())
                .isEqualTo(2_097_152 - OutputLimits.HEADROOM);
        assertThat(TopologyConfig.from(config(Map.of("kafka.producer.max.request.size", "3000000"))).limits().maxBytes())
                .isEqualTo(3_000_000 - OutputLimits.HEADROOM);
    }

    @Test
    void outputMaxBytesWinsAndIsValidatedNamingTheKey() {
        assertThat(TopologyConfig.from(config(Map.of("output.max.bytes", "65536"))).limits().maxBytes()).isEqualTo(65_536);
        assertThatThrownBy(() -> config(Map.of("output.max.bytes", "100")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("output.max.bytes");
    }
}
