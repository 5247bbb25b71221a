package dev.kade.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
    private static final Source SOURCE = new Source("metrics", 3, 77);

    private final DeadLetters small = new DeadLetters(new OutputWriter(new OutputLimits(OutputLimits.MIN_BYTES)), CLOCK);

    @Test
    void keepsTheOriginalAndItsOwnHeadersButDropsSpoofedOnes() {
        Headers in = new RecordHeaders();
        in.add("trace-id", bytes("abc"));
        in.add(DeadLetterHeaders.REASON, bytes("spoofed"));
        in.add("kade.anything", bytes("spoofed"));
        in.add("__streams.errors.exception", bytes("spoofed"));
        DeadLetters.DeadLetter d = small.build(bytes("k"), bytes("{oops"), in, DeadLetterReason.NOT_JSON, "value is not JSON", null,
                SOURCE, "v1");
        assertThat(d.reference()).isFalse();
        assertThat(d.key()).isEqualTo(bytes("k"));
        assertThat(d.value()).isEqualTo(bytes("{oops"));
        assertThat(values(d.headers(), DeadLetterHeaders.REASON)).containsExactly("not_json");
        assertThat(values(d.headers(), "trace-id")).containsExactly("abc");
        assertThat(values(d.headers(), "kade.anything")).isEmpty();
        assertThat(d.headers().toArray()).extracting(Header::key).noneMatch(k -> k.startsWith("__streams.errors."));
        assertThat(values(d.headers(), DeadLetterHeaders.SOURCE_OFFSET)).containsExactly("77");
        assertThat(values(d.headers(), DeadLetterHeaders.TIMESTAMP)).containsExactly("2026-11-25T12:00:00Z");
    }

    @Test
    void aRecordTooLargeToSendBecomesASmallReferenceRecord() throws Exception {
        byte[] value = new byte[OutputLimits.MIN_BYTES * 3];
        Headers in = new RecordHeaders();
        in.add("big", new byte[5000]);
        DeadLetters.DeadLetter d = small.build(bytes("k"), value, in, DeadLetterReason.NOT_JSON, "x".repeat(5000), null, SOURCE, "v1");
        assertThat(d.reference()).isTrue();
        assertThat(d.key()).isEqualTo(bytes("k"));
        assertThat(d.value().length).isLessThan(500);
        JsonNode ref = JSON.readTree(d.value());
        assertThat(ref.get("reference").asBoolean()).isTrue();
        assertThat(ref.get("reason").asText()).isEqualTo("not_json");
        assertThat(ref.get("source").get("topic").asText()).isEqualTo("metrics");
        assertThat(ref.get("source").get("partition").asInt()).isEqualTo(3);
        assertThat(ref.get("source").get("offset").asLong()).isEqualTo(77);
        assertThat(ref.get("size").get("value").asInt()).isEqualTo(value.length);
        assertThat(values(d.headers(), DeadLetterHeaders.REFERENCE)).containsExactly("true");
        assertThat(values(d.headers(), "big")).isEmpty();
        assertThat(values(d.headers(), DeadLetterHeaders.DETAIL).get(0)).hasSize(DeadLetters.DETAIL_LIMIT);
    }

    @Test
    void aHugeKeyIsLeftOutOfTheReference() {
        DeadLetters.DeadLetter d = small.build(new byte[OutputLimits.MIN_BYTES], bytes("{}"), null, DeadLetterReason.OUTPUT_TOO_LARGE,
                "alert does not fit", null, SOURCE, "v1");
        assertThat(d.reference()).isTrue();
        assertThat(d.key()).isNull();
    }

    private static java.util.List<String> values(Headers h, String key) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (Header header : h.headers(key)) {
            out.add(new String(header.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
