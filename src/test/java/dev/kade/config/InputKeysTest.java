package dev.kade.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The input-format settings fail at start naming the setting, and the registry password never prints. */
class InputKeysTest {
    private static KadeConfig with(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("bootstrap.servers", "k:9092", "input.topics", "in", "model.path", "/m.onnx"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return KadeConfig.fromMap(m);
    }

    @Test
    void avroNeedsARegistryUrl() {
        assertThatThrownBy(() -> with("input.format", "avro")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("schema.registry.url");
        assertThat(with("input.format", "avro", "schema.registry.url", "http://r:8081").string(InputKeys.INPUT_FORMAT))
                .isEqualTo("avro");
    }

    @Test
    void anUnknownFormatOrAUrlThatIsNotHttpIsRefused() {
        assertThatThrownBy(() -> with("input.format", "thrift")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("input.format");
        assertThatThrownBy(() -> with("input.format", "avro", "schema.registry.url", "r:8081"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("schema.registry.url");
    }

    @Test
    void basicAuthMustBeUserColonPasswordAndIsNeverPrinted() {
        assertThatThrownBy(() -> with("input.format", "avro", "schema.registry.url", "http://r:8081",
                "schema.registry.basic.auth.user.info", "justauser")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("schema.registry.basic.auth.user.info");
        KadeConfig c = with("input.format", "avro", "schema.registry.url", "http://r:8081",
                "schema.registry.basic.auth.user.info", "kade:s3cret");
        assertThat(c.secret(InputKeys.REGISTRY_USER_INFO)).isEqualTo("kade:s3cret");
        assertThat(c.describe()).doesNotContain("s3cret");
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    @Test
    void retriesAreBoundedSoALookupStaysBelowMaxPollInterval() {
        assertThatThrownBy(() -> with("schema.registry.retries", "10")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("schema.registry.retries");
    }
}
