package dev.kade.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.testing.ProtobufRecords;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The Protobuf path below the stream: payloads written by protobuf-java ({@link ProtobufRecords}) read back as the JSON
 * object kade scores, proto3 defaults restored where the writer left them out, message-index paths resolved, and
 * malformed index arrays refused with their own reason. The schema is served by an in-memory fetcher here (the HTTP
 * client is covered by the topology tests).
 */
class ProtobufDecoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicInteger fetches = new AtomicInteger();
    private final ProtobufDecoder decoder = new ProtobufDecoder(new RegistrySchemas<>(id -> {
        fetches.incrementAndGet();
        if (id != 3) {
            throw new DecodeException(InputError.UNKNOWN_SCHEMA, "no schema " + id);
        }
        return new SchemaRegistryClient.RegisteredSchema(ProtobufRecords.PROTO, "PROTOBUF");
    }, ProtobufSchemaFile::parse, RegistrySettings.of(URI.create("http://unused"))));

    private JsonNode decode(byte[] value) throws Exception {
        return JSON.readTree(decoder.toJson(value));
    }

    @Test
    void aMessageIsItsFieldsAsJsonWithNestedMessagesAsObjectsAndTheSetOneofBranch() throws Exception {
        JsonNode n = decode(ProtobufRecords.framed(3, ProtobufRecords.metric(6.5, 2.5, 3.5, "web-1")));
        assertThat(n.get("cpu").asDouble()).isEqualTo(6.5);
        assertThat(n.get("level").asText()).as("an enum is its value's name").isEqualTo("HIGH");
        assertThat(n.get("memory").get("used").asDouble()).isEqualTo(2.5);
        assertThat(n.get("latency_ms").asDouble()).isEqualTo(3.5);
        assertThat(n.get("host").asText()).isEqualTo("web-1");
        assertThat(n.get("note").asText()).isEqualTo("oneof branch");
        assertThat(n.has("spare")).as("the oneof's other branch stays absent").isFalse();
    }

    @Test
    void proto3DefaultsTheWriterLeftOutAreRestoredButFieldsWithPresenceAreNot() throws Exception {
        JsonNode n = decode(ProtobufRecords.framed(3, ProtobufRecords.metric(0.0, 0.0, null, "")));
        assertThat(n.get("cpu").isNumber()).isTrue();
        assertThat(n.get("cpu").asDouble()).isZero();
        assertThat(n.get("memory").get("used").asDouble()).isZero();
        assertThat(n.get("host").asText()).isEmpty();
        assertThat(n.get("level").asText()).as("an enum left out is its zero value").isEqualTo("LOW");
        assertThat(n.has("latency_ms")).as("optional: unset is absent").isFalse();
        assertThat(n.has("spare")).as("oneof member: unset is absent").isFalse();
    }

    @Test
    void aMessageIndexPathNamesANestedMessage() throws Exception {
        JsonNode n = decode(ProtobufRecords.framed(3, ProtobufRecords.inner(1, 2, 0), 1, 0));
        assertThat(n.get("memory_used").asDouble()).isEqualTo(2.0);
        assertThat(n.get("latency_ms").asDouble()).as("a proto3 zero").isZero();
        assertThat(fetches.get()).isEqualTo(1);
    }

    @Test
    void badIndexArraysAndPayloadsHaveTheirReasons() {
        assertThatThrownBy(() -> decoder.toJson(ProtobufRecords.framed(3, new byte[0], 2)))
                .satisfies(e -> assertThat(((DecodeException) e).error()).isEqualTo(InputError.BAD_MESSAGE_INDEX));
        assertThatThrownBy(() -> decoder.toJson(ProtobufRecords.framed(3, new byte[0], 0, 4)))
                .satisfies(e -> assertThat(((DecodeException) e).error()).isEqualTo(InputError.BAD_MESSAGE_INDEX));
        assertThatThrownBy(() -> decoder.toJson(new byte[] {0, 0, 0, 0, 3, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}))
                .satisfies(e -> assertThat(((DecodeException) e).error()).isEqualTo(InputError.BAD_MESSAGE_INDEX));
        assertThatThrownBy(() -> decoder.toJson(new byte[] {0, 0, 0, 0, 3, 1})) // count -1
                .satisfies(e -> assertThat(((DecodeException) e).error()).isEqualTo(InputError.BAD_MESSAGE_INDEX));
        assertThatThrownBy(() -> decoder.toJson(ProtobufRecords.framed(3, new byte[] {0x09, 1, 2}))) // a double cut off
                .satisfies(e -> assertThat(((DecodeException) e).error()).isEqualTo(InputError.UNDECODABLE));
        assertThatThrownBy(() -> decoder.toJson(ProtobufRecords.framed(3, new byte[] {0x12, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f})))
                .as("a length far beyond the record").satisfies(e -> assertThat(((DecodeException) e).error())
                        .isEqualTo(InputError.UNDECODABLE));
    }
}
