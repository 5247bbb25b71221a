package dev.kade.features;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link FlatJson} against Jackson (the parser {@link RecordReader} falls back to): every number it reads is the double
 * Jackson's {@code getDoubleValue} gives, bit for bit; every record it accepts is valid JSON that Jackson reads as the
 * same members; and the records a stream usually carries do take this path.
 */
class FlatJsonTest {
    @Test
    void everyNumberIsTheDoubleJacksonReads() throws Exception {
        Random r = new Random(18);
        List<String> texts = new ArrayList<>(List.of("0", "-0", "0.0", "-0.0", "1", "-1", "10", "1e0", "1E5", "1e+05",
                "1e-5", "-1.5e-7", "0.000123", "123.450", "999999999999999999", "-999999999999999999",
                "1000000000000000000", "9007199254740993", "9007199254740993.0", "0.1", "0.2", "0.30000000000000004",
                "1e22", "1e23", "1e-22", "1e-23", "123456789012345e7", "1234567890123456e7", "4.9e-324", "1e-400",
                "1e400", "-1e400", "1.7976931348623157e308", "2.2250738585072014e-308", "3.4028235e38", "1.4e-45",
                "0.1e1", "00.5e1".substring(1), "12345678901234567890", "5e-1", "5E-0001"));
        for (int n = 0; n < 20_000; n++) {
            double d = switch (r.nextInt(4)) {
                case 0 -> r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20);
                case 1 -> Double.longBitsToDouble(r.nextLong());
                case 2 -> r.nextInt(2_000_001) - 1_000_000;
                default -> Math.round(r.nextGaussian() * 1e6) / Math.pow(10, r.nextInt(9));
            };
            if (!Double.isFinite(d)) {
                continue;
            }
            texts.add(Double.toString(d));
            texts.add(String.format(Locale.ROOT, "%." + r.nextInt(20) + "f", d));
            texts.add(String.format(Locale.ROOT, "%." + r.nextInt(20) + "e", d));
            texts.add(Float.toString((float) d));
            texts.add(Long.toString((long) d));
        }
        int fast = 0;
        for (String t : texts) {
            if (t.contains("Infinity") || t.contains("NaN")) {
                continue;
            }
            byte[] record = ("{\"a\":" + t + "}").getBytes(StandardCharsets.UTF_8);
            FlatJson f = new FlatJson();
            Double jackson = jacksonNumber(record);
            if (!f.scan(record)) {
                // not read here: only text Jackson refuses, or integers beyond 18 digits, which Jackson reads
                assertThat(jackson == null || t.replace("-", "").length() > 18).as(t).isTrue();
                continue;
            }
            fast++;
            assertThat(jackson).as("Jackson reads %s", t).isNotNull();
            assertThat(f.count()).isEqualTo(1);
            assertThat(f.kind(0)).isEqualTo(FlatJson.NUMBER);
            assertThat(Double.doubleToRawLongBits(f.number(0))).as(t)
                    .isEqualTo(Double.doubleToRawLongBits(jackson));
            assertThat(new String(record, f.valueStart(0), f.valueLength(0), StandardCharsets.US_ASCII)).isEqualTo(t);
        }
        assertThat(fast).isGreaterThan(texts.size() * 9 / 10);
    }

    @Test
    void whatItAcceptsJacksonReadsAsTheSameMembers() throws Exception {
        Random r = new Random(42);
        int accepted = 0;
        for (int n = 0; n < 20_000; n++) {
            byte[] record = flatRecord(r).getBytes(StandardCharsets.UTF_8);
            if (r.nextBoolean()) {
                int flips = 1 + r.nextInt(3);
                for (int k = 0; k < flips; k++) {
                    record[r.nextInt(record.length)] = MUTATIONS[r.nextInt(MUTATIONS.length)];
                }
            }
            FlatJson f = new FlatJson();
            if (!f.scan(record)) {
                continue;
            }
            accepted++;
            List<String> jackson = jacksonMembers(record);
            assertThat(jackson).as(new String(record, StandardCharsets.ISO_8859_1)).isNotNull();
            List<String> flat = new ArrayList<>();
            for (int m = 0; m < f.count(); m++) {
                String name = new String(record, f.nameStart(m), f.nameLength(m), StandardCharsets.US_ASCII);
                String value = new String(record, f.valueStart(m), f.valueLength(m), StandardCharsets.US_ASCII);
                flat.add(name + "=" + f.kind(m) + ":" + value);
            }
            assertThat(flat).as(new String(record, StandardCharsets.ISO_8859_1)).isEqualTo(jackson);
        }
        assertThat(accepted).isGreaterThan(5_000);
    }

    @Test
    void theRecordsAStreamUsuallyCarriesTakeThisPath() {
        for (String s : new String[] {"{}", " { } ", "{\"f1\":1,\"f2\":-2.5,\"id\":\"host-7\",\"ok\":true,\"n\":null}",
            "{\n  \"time\": \"2026-12-04T03:00:00Z\",\r\n\t\"value\": 1.5e3\n}\n", "{\"a\":0,\"a\":1}"}) {
            assertThat(new FlatJson().scan(s.getBytes(StandardCharsets.UTF_8))).as(s).isTrue();
        }
        for (String s : new String[] {"", "[]", "{\"a\":{}}", "{\"a\":[1]}", "{\"a\\u0062\":1}", "{\"a\":\"\u00e9\"}",
            "{\"a\":1,}", "{\"a\":1}x", "{\"a\":01}", "{\"a\":1.}", "{\"a\":+1}", "{\"a\":truex}", "{\"a\":1", "{'a':1}"}) {
            assertThat(new FlatJson().scan(s.getBytes(StandardCharsets.UTF_8))).as(s).isFalse();
        }
    }

    private static final byte[] MUTATIONS = {'{', '}', '[', ']', ',', ':', '"', '\\', ' ', '0', '.', 'e', 'E', '-', '+',
        'x', 't', 'n', '\t', (byte) 0xc3, 0};
    private static final String[] NAMES = {"a", "b", "cpu.user", "x", "", "n.", "value", "time"};
    private static final String[] SCALARS = {"1", "-2.5", "0", "-0", "1e3", "1E-3", "1e39", "0.001", "\"3\"", "\" 4 \"", "\"\"",
        "\"high\"", "true", "false", "null", "123456789012345678"};

    private static String flatRecord(Random r) {
        int n = r.nextInt(8);
        List<String> fields = new ArrayList<>();
        String[] space = {"", " ", "\n", "\t", "\r\n"};
        for (int i = 0; i < n; i++) {
            fields.add(space[r.nextInt(space.length)] + "\"" + NAMES[r.nextInt(NAMES.length)] + "\"" + space[r.nextInt(space.length)]
                    + ":" + space[r.nextInt(space.length)] + SCALARS[r.nextInt(SCALARS.length)] + space[r.nextInt(space.length)]);
        }
        return space[r.nextInt(space.length)] + "{" + String.join(",", fields) + "}" + space[r.nextInt(space.length)];
    }

    /** The double Jackson reads as member "a", or null when Jackson refuses the record. */
    private static Double jacksonNumber(byte[] record) {
        try (JsonParser p = JsonLimits.factory().createParser(record)) {
            p.nextToken();
            p.nextToken();
            JsonToken v = p.nextToken();
            if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
                return null;
            }
            double d = p.getDoubleValue();
            return p.nextToken() == JsonToken.END_OBJECT && p.nextToken() == null ? d : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** Jackson's members as name=kind:text, or null when it refuses the record or finds a nested value. */
    private static List<String> jacksonMembers(byte[] record) {
        List<String> out = new ArrayList<>();
        try (JsonParser p = JsonLimits.factory().createParser(record)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                byte kind = switch (v) {
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> FlatJson.NUMBER;
                    case VALUE_STRING -> FlatJson.STRING;
                    case VALUE_TRUE -> FlatJson.TRUE;
                    case VALUE_FALSE -> FlatJson.FALSE;
                    case VALUE_NULL -> FlatJson.NULL;
                    default -> 0;
                };
                if (kind == 0) {
                    return null;
                }
                out.add(name + "=" + kind + ":" + p.getText());
            }
            return t == JsonToken.END_OBJECT && p.nextToken() == null ? out : null;
        } catch (Exception e) {
            return null;
        }
    }
}
