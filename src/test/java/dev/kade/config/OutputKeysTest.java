package dev.kade.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The carried-context settings are validated at start, naming the setting. */
class OutputKeysTest {
    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("bootstrap.servers", "k:9092");
        m.put("input.topics", "in");
        m.put("model.path", "/m.onnx");
        return m;
    }

    private static KadeConfig with(String key, String value) {
        Map<String, String> m = minimal();
        m.put(key, value);
        return KadeConfig.fromMap(m);
    }

    @Test
    void defaultsCopyTheW3cTraceHeadersAndNoFields() {
        KadeConfig c = KadeConfig.fromMap(minimal());
        assertThat(c.list(OutputKeys.HEADERS_COPY)).containsExactly("traceparent", "tracestate");
        assertThat(c.list(OutputKeys.FIELDS_COPY)).isEmpty();
        assertThat(c.integer(OutputKeys.FIELDS_MAX_CHARS)).isEqualTo(256);
        assertThat(c.integer(OutputKeys.HEADERS_MAX_BYTES)).isEqualTo(512);
    }

    @Test
    void listsAreTrimmed() {
        assertThat(with(OutputKeys.FIELDS_COPY, " host , request.id").list(OutputKeys.FIELDS_COPY))
                .containsExactly("host", "request.id");
    }

    @Test
    void kadesOwnHeadersCannotBeCopied() {
        assertThatThrownBy(() -> with(OutputKeys.HEADERS_COPY, "traceparent,kade.dlq.reason"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("output.headers.copy")
                .hasMessageContaining("kade.dlq.reason");
        assertThatThrownBy(() -> with(OutputKeys.HEADERS_COPY, "__streams.errors.exception"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("output.headers.copy");
    }

    @Test
    void aNameTwiceOrAnEmptyNameIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> with(OutputKeys.FIELDS_COPY, "host,host")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("output.fields.copy").hasMessageContaining("twice");
        assertThatThrownBy(() -> with(OutputKeys.FIELDS_COPY, "host,,region")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("output.fields.copy");
    }

    @Test
    void noneCopiesNothingAndOnlyAlone() {
        assertThat(OutputKeys.copied(with(OutputKeys.HEADERS_COPY, "none").list(OutputKeys.HEADERS_COPY))).isEmpty();
        assertThatThrownBy(() -> with(OutputKeys.HEADERS_COPY, "none,traceparent")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("output.headers.copy");
    }

    @Test
    void boundsOutOfRangeAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> with(OutputKeys.FIELDS_MAX_CHARS, "0")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("output.fields.max.chars");
        assertThatThrownBy(() -> with(OutputKeys.HEADERS_MAX_BYTES, "-1")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("output.headers.max.bytes");
    }
}
