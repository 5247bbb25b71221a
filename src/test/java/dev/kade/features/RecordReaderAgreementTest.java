package dev.kade.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The stream's {@link RecordReader} and the trainer's {@link FeatureExtractor} must give the same row or
 * the same reason (and, for feature errors, the same feature and message) for every record: one
 * feature extractor, two parsers. Checked on hand-picked odd records and on thousands of generated and
 * mutated ones.
 */
class RecordReaderAgreementTest {
    private static final List<String> FEATURES = List.of("a", "cpu.user", "b", "x.y.z", "x.y", "n.");
    private final FeatureExtractor tree = new FeatureExtractor(FEATURES);
    private final RecordReader stream = new RecordReader(FEATURES);

    private static final String[] ODD = {
        "", " ", "\n\t ", "null", "true", "5", "\"s\"", "[]", "[1,2", "{", "}", "{}", "{\"a\":1}",
        "{\"a\":1,\"cpu.user\":2,\"b\":3,\"x\":{\"y\":{\"z\":4}},\"n.\":5}",
        "{\"a\":1,\"cpu\":{\"user\":2},\"b\":3,\"x.y.z\":4,\"x.y\":\"7\",\"n\":{\"\":5}}",
        "{\"a\":1,\"cpu.user\":null,\"cpu\":{\"user\":2},\"b\":3,\"x.y.z\":4,\"x.y\":4,\"n.\":5}",
        "{\"a\":1,\"cpu\":{\"user\":2},\"cpu\":{\"sys\":2},\"b\":3,\"x.y.z\":4,\"x.y\":4,\"n.\":5}",
        "{\"a\":1,\"cpu\":{\"user\":2},\"a\":\" 9 \",\"b\":3,\"x.y.z\":4,\"x.y\":4,\"n.\":5}",
        "{\"a\":1,\"cpu\":[{\"user\":2}],\"b\":3,\"x.y.z\":4,\"x.y\":4,\"n.\":5}",
        "{\"a\":1,\"cpu\":\"user\",\"b\":3,\"x.y.z\":4,\"x.y\":4,\"n.\":5}",
        "{\"a\":1e39,\"cpu.user\":2,\"b\":3,\"x.y.z\":4,\"x.y\":4,\"n.\":5}",
        "{\"a\":\"1e39\",\"cpu.user\":\"0x1p3\",\"b\":\"2f\",\"x.y.z\":4,\"x.y\":4,\"n.\":5}",
        "{\"a\":123456789012345678901234567890,\"cpu.user\":-0,\"b\":-0.0,\"x.y.z\":4,\"x.y\":4,\"n.\":5}",
        "{\"a\":\"NaN\",\"cpu.user\":2,\"b\":3,\"x.y.z\":4,\"x.y\":4,\"n.\":5}",
        "{\"a\":NaN,\"cpu.user\":2,\"b\":3}", "{\"a\":1,} ", "{\"a\":1} {\"a\":2}", "{\"a\":1} x", "{\"a\":1}[",
        "{\"a\":true,\"cpu.user\":[],\"b\":{},\"x.y.z\":false,\"x.y\":{\"z\":1},\"n.\":\"\"}",
        "{\"x\":{\"y\":{\"z\":1}},\"x\":{\"y\":2}}", "{\"x\":{\"y\":{\"z\":1},\"y\":{\"q\":1}}}",
        "{'a':1}", "{a:1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}", "\u00ef\u00bb\u00bf{\"a\":1}",
        "{\"a\":\"\\u0031\",\"cpu.user\":\"\\t2\\n\",\"b\":3,\"x.y.z\":4,\"x.y\":4,\"n.\":5}",
    };

    @Test
    void oddRecordsGetTheSameAnswerOnBothPaths() {
        for (String s : ODD) {
            assertAgree(s.getBytes(StandardCharsets.UTF_8));
            assertAgree(s.getBytes(StandardCharsets.UTF_16BE));
        }
    }

    @Test
    void generatedAndMutatedRecordsGetTheSameAnswerOnBothPaths() {
        Random random = new Random(42);
        for (int n = 0; n < 5_000; n++) {
            byte[] record = generate(random).getBytes(StandardCharsets.UTF_8);
            assertAgree(record);
            byte[] mutated = record.clone();
            int flips = 1 + random.nextInt(3);
            for (int k = 0; k < flips && mutated.length > 0; k++) {
                mutated[random.nextInt(mutated.length)] = MUTATIONS[random.nextInt(MUTATIONS.length)];
            }
            assertAgree(mutated);
            assertAgree(java.util.Arrays.copyOf(record, random.nextInt(record.length + 1)));
        }
    }

    @Test
    void deepNestingElsewhereIsSkippedAndBeyondTheLimitIsNotJson() {
        String deep = "[".repeat(1_000) + "]".repeat(1_000);
        String ok = "{\"junk\":" + deep + ",\"a\":1,\"cpu.user\":2,\"b\":3,\"x.y.z\":4,\"x.y\":4,\"n.\":5}";
        assertAgree(ok.getBytes(StandardCharsets.UTF_8));
        assertThat(readStream(ok)[0]).isEqualTo(1f);
        String tooDeep = "{\"junk\":" + "[".repeat(JsonLimits.MAX_NESTING_DEPTH + 1) + "]".repeat(JsonLimits.MAX_NESTING_DEPTH + 1)
                + ",\"a\":1}";
        assertAgree(tooDeep.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> stream.read(tooDeep.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(FeatureException.class, e -> assertThat(e.error()).isEqualTo(FeatureError.NOT_JSON));
    }

    /**
     * Issue 17 #10: the not_json dead-letter detail leaked Jackson internals ("Source: REDACTED
     * (StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION disabled)"). Both readers now say what is wrong and where.
     */
    @Test
    void notJsonDetailSaysWhatAndWhereWithoutJacksonInternals() {
        FeatureExtractor tree = new FeatureExtractor(FEATURES);
        for (String bad : new String[] {"{\"a\":1,\n\"b\":", "{\"a\": nope}", "{\"a\":1,"}) {
            byte[] bytes = bad.getBytes(StandardCharsets.UTF_8);
            for (org.junit.jupiter.api.function.Executable read : List.<org.junit.jupiter.api.function.Executable>of(
                    () -> stream.read(bytes), () -> tree.extract(bytes))) {
                FeatureException e = org.junit.jupiter.api.Assertions.assertThrows(FeatureException.class, read);
                assertThat(e.error()).isEqualTo(FeatureError.NOT_JSON);
                assertThat(e.getMessage()).as(bad).startsWith("value is not JSON: ")
                        .containsPattern("at line \\d+, column \\d+")
                        .doesNotContain("Source:", "REDACTED", "StreamReadFeature", "INCLUDE_SOURCE_IN_LOCATION");
            }
        }
    }

    @Test
    void readsIntoTheCallersSlot() throws Exception {
        float[] batch = new float[3 * FEATURES.size()];
        stream.read("{\"a\":1,\"cpu.user\":2,\"b\":3,\"x\":{\"y\":{\"z\":4}},\"x.y\":5,\"n.\":6}".getBytes(StandardCharsets.UTF_8),
                batch, FEATURES.size());
        assertThat(java.util.Arrays.copyOfRange(batch, FEATURES.size(), 2 * FEATURES.size()))
                .containsExactly(1f, 2f, 3f, 4f, 5f, 6f);
        assertThat(batch[0]).isZero();
    }

    private float[] readStream(String s) {
        try {
            return stream.read(s.getBytes(StandardCharsets.UTF_8));
        } catch (FeatureException e) {
            throw new AssertionError(e);
        }
    }

    private static final byte[] MUTATIONS = {'{', '}', '[', ']', ',', ':', '"', '\\', ' ', '0', '.', 'e', '-', 'x',
        (byte) 0xff, (byte) 0xc3, 0};
    private static final String[] NAMES = {"a", "b", "cpu", "user", "cpu.user", "x", "y", "z", "x.y", "x.y.z", "n", "", "n.", "q"};
    private static final String[] SCALARS = {"1", "-2.5", "0", "1e3", "1e39", "-1e-50", "123456789012345678901234567890",
        "\"3\"", "\" 4 \"", "\"\"", "\"high\"", "\"NaN\"", "\"1e39\"", "true", "false", "null", "\"\\u0035\""};

    private static String generate(Random r) {
        return object(r, 0);
    }

    private static String value(Random r, int depth) {
        int k = r.nextInt(depth > 3 ? 3 : 6);
        return switch (k) {
            case 4 -> object(r, depth + 1);
            case 5 -> "[" + value(r, depth + 1) + (r.nextBoolean() ? "," + value(r, depth + 1) : "") + "]";
            default -> SCALARS[r.nextInt(SCALARS.length)];
        };
    }

    private static String object(Random r, int depth) {
        int n = r.nextInt(depth == 0 ? 9 : 4);
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fields.add("\"" + NAMES[r.nextInt(NAMES.length)] + "\":" + value(r, depth));
        }
        return "{" + String.join(",", fields) + "}";
    }

    private void assertAgree(byte[] record) {
        String shown = new String(record, StandardCharsets.UTF_8);
        Object expected = outcome(() -> tree.extract(record));
        Object actual = outcome(() -> stream.read(record));
        assertThat(actual).as("record %s", shown).isEqualTo(expected);
    }

    private interface Read {
        float[] read() throws FeatureException;
    }

    private static Object outcome(Read read) {
        try {
            return java.util.Arrays.toString(read.read());
        } catch (FeatureException e) {
            // not_json messages quote the parser's own position, which differs between tree and stream
            String message = e.error() == FeatureError.NOT_JSON ? "" : e.getMessage();
            return e.error() + " " + e.feature().orElse("-") + " " + message;
        }
    }
}
