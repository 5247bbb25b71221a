package dev.kade.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.testing.AvroRecords;
import dev.kade.testing.RegistryStandIn;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Avro datums as the JSON kade's feature reader reads (the mapping docs/input-formats.md documents), the wire
 * format's header, and the schema cache's bound; schemas come over HTTP from {@link RegistryStandIn}, a stand-in for
 * a registry's HTTP API.
 */
class AvroDecoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ODD = """
            {"type": "record", "name": "Odd", "fields": [
              {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 9, "scale": 2}},
              {"name": "level", "type": {"type": "enum", "name": "Level", "symbols": ["LOW", "HIGH"]}},
              {"name": "tags", "type": {"type": "array", "items": "string"}},
              {"name": "labels", "type": {"type": "map", "values": "long"}},
              {"name": "raw", "type": "bytes"},
              {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "ratio", "type": ["null", "float"]},
              {"name": "ok", "type": "boolean"},
              {"name": "count", "type": "int"}
            ]}""";

    private RegistryStandIn registry;
    private AvroInput input;

    @BeforeEach
    void start() throws Exception {
        registry = new RegistryStandIn().avro(1, AvroRecords.SCHEMA).avro(2, ODD).avro(3, "\"double\"");
        input = AvroInput.fromRegistry(RegistrySettings.of(registry.url()));
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void nestedRecordsAreNestedObjectsAndAUnionIsItsBranchsValue() throws Exception {
        JsonNode n = JSON.readTree(input.newDecoder().toJson(AvroRecords.framed(1, AvroRecords.metric(1.5, 0.25, 7.0, "h1"))));
        assertThat(n.toString()).isEqualTo("{\"cpu\":1.5,\"memory\":{\"used\":0.25},\"latency_ms\":7.0,\"host\":\"h1\"}");
        JsonNode nulled = JSON.readTree(input.newDecoder().toJson(AvroRecords.framed(1, AvroRecords.metric(1, 1, null, "h"))));
        assertThat(nulled.get("latency_ms").isNull()).isTrue();
    }

    @Test
    void logicalEnumCollectionAndBytesTypesMapAsDocumented() throws Exception {
        Schema schema = new Schema.Parser().parse(ODD);
        GenericRecord r = new GenericData.Record(schema);
        Schema price = schema.getField("price").schema();
        r.put("price", new Conversions.DecimalConversion().toBytes(new BigDecimal("12.34"), price, LogicalTypes.decimal(9, 2)));
        r.put("level", new GenericData.EnumSymbol(schema.getField("level").schema(), "HIGH"));
        r.put("tags", List.of("a", "b"));
        r.put("labels", Map.of("x", 3L));
        r.put("raw", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        r.put("ts", 1_700_000_000_000L);
        r.put("ratio", 0.5f);
        r.put("ok", true);
        r.put("count", 42);
        JsonNode n = JSON.readTree(input.newDecoder().toJson(AvroRecords.framed(2, r)));
        assertThat(n.get("price").decimalValue()).isEqualByComparingTo("12.34");
        assertThat(n.get("level").asText()).isEqualTo("HIGH");
        assertThat(n.get("tags").isArray()).isTrue();
        assertThat(n.get("labels").get("x").asLong()).isEqualTo(3);
        assertThat(n.get("raw").asText()).isEqualTo("AQID");
        assertThat(n.get("ts").asLong()).isEqualTo(1_700_000_000_000L);
        assertThat(n.get("ratio").asDouble()).isEqualTo(0.5);
        assertThat(n.get("ok").asBoolean()).isTrue();
        assertThat(n.get("count").asInt()).isEqualTo(42);
    }

    @Test
    void aSchemaThatIsNotARecordIsRefusedAsUnknownSchema() {
        byte[] value = WireFormat.frame(3, new byte[8]);
        assertThatThrownBy(() -> input.newDecoder().toJson(value)).isInstanceOf(DecodeException.class)
                .satisfies(e -> assertThat(((DecodeException) e).error()).isEqualTo(InputError.UNKNOWN_SCHEMA));
    }

    @Test
    void aCorruptLengthIsUndecodableNotAnOutOfMemoryError() {
        // a string length of ~1e18 where "host" starts: the decoder must refuse it, not allocate
        byte[] good = AvroRecords.binary(AvroRecords.metric(1, 1, 1.0, "h"));
        byte[] bad = java.util.Arrays.copyOf(good, good.length - 2);
        byte[] payload = new byte[bad.length + 9];
        System.arraycopy(bad, 0, payload, 0, bad.length);
        for (int i = bad.length; i < payload.length - 1; i++) {
            payload[i] = (byte) 0xff;
        }
        payload[payload.length - 1] = 0x01;
        assertThatThrownBy(() -> input.newDecoder().toJson(WireFormat.frame(1, payload))).isInstanceOf(DecodeException.class)
                .satisfies(e -> assertThat(((DecodeException) e).error()).isEqualTo(InputError.UNDECODABLE));
    }

    @Test
    void theWireFormatHeaderIsMagicZeroAndABigEndianId() throws Exception {
        byte[] framed = WireFormat.frame(0x01020304, new byte[] {9});
        assertThat(framed).containsExactly(0, 1, 2, 3, 4, 9);
        assertThat(WireFormat.schemaId(framed)).isEqualTo(0x01020304);
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {1, 0, 0, 0, 1})).isInstanceOf(DecodeException.class)
                .hasMessageContaining("0x01");
    }

    @Test
    void theSchemaCacheKeepsAtMostItsBound() throws Exception {
        for (int id = 10; id < 15; id++) {
            registry.avro(id, AvroRecords.SCHEMA);
        }
        SchemaSource small = new SchemaSource(new SchemaRegistryClient(RegistrySettings.of(registry.url()))::fetch,
                new RegistrySettings(registry.url(), null, null, null, "PKCS12", java.time.Duration.ofSeconds(2), 0,
                        java.time.Duration.ZERO, java.time.Duration.ZERO, 3));
        for (int id = 10; id < 15; id++) {
            small.schema(id);
        }
        assertThat(small.cached()).isEqualTo(3);
        int before = registry.requests();
        small.schema(14);
        assertThat(registry.requests()).as("the newest is cached").isEqualTo(before);
        small.schema(10);
        assertThat(registry.requests()).as("the eldest was evicted and fetched again").isEqualTo(before + 1);
    }
}
