package dev.kade.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureExtractorTest {
    private final FeatureExtractor extractor = new FeatureExtractor(List.of("a", "cpu.user", "b"));

    @Test
    void readsNumbersNestedPathsAndNumericStringsInFeatureOrder() throws Exception {
        float[] row = extractor.extract("{\"b\":\"2.5\",\"cpu\":{\"user\":7},\"a\":-1e2,\"extra\":\"x\"}");
        assertThat(row).containsExactly(-100f, 7f, 2.5f);
    }

    @Test
    void exactTopLevelNameWinsOverNestedPath() throws Exception {
        float[] row = extractor.extract("{\"a\":1,\"cpu.user\":3,\"cpu\":{\"user\":9},\"b\":0}");
        assertThat(row[1]).isEqualTo(3f);
    }

    @Test
    void emptyOrNullValueIsEmptyValue() {
        assertReason((byte[]) null, FeatureError.EMPTY_VALUE);
        assertReason(new byte[0], FeatureError.EMPTY_VALUE);
        assertReason("   ".getBytes(StandardCharsets.UTF_8), FeatureError.EMPTY_VALUE);
    }

    @Test
    void malformedJsonIsNotJson() {
        assertReason("{\"a\":1,".getBytes(StandardCharsets.UTF_8), FeatureError.NOT_JSON);
        assertReason("{\"a\":1} trailing".getBytes(StandardCharsets.UTF_8), FeatureError.NOT_JSON);
        assertReason(new byte[] {(byte) 0xff, 0x00, 0x13}, FeatureError.NOT_JSON);
    }

    @Test
    void jsonThatIsNotAnObjectIsRefused() {
        assertReason("[1,2,3]".getBytes(StandardCharsets.UTF_8), FeatureError.NOT_AN_OBJECT);
        assertReason("42".getBytes(StandardCharsets.UTF_8), FeatureError.NOT_AN_OBJECT);
    }

    @Test
    void missingNullAndBlankFeaturesNameTheFeature() {
        assertThatThrownBy(() -> extractor.extract("{\"a\":1,\"b\":2}"))
                .isInstanceOf(FeatureException.class)
                .hasMessageContaining("cpu.user")
                .satisfies(e -> {
                    assertThat(((FeatureException) e).error()).isEqualTo(FeatureError.MISSING_FEATURE);
                    assertThat(((FeatureException) e).feature()).contains("cpu.user");
                });
        assertReason("{\"a\":null,\"cpu\":{\"user\":1},\"b\":2}".getBytes(StandardCharsets.UTF_8), FeatureError.MISSING_FEATURE);
        assertReason("{\"a\":\" \",\"cpu\":{\"user\":1},\"b\":2}".getBytes(StandardCharsets.UTF_8), FeatureError.MISSING_FEATURE);
    }

    @Test
    void nonNumericValuesAreRefused() {
        assertReason("{\"a\":\"high\",\"cpu\":{\"user\":1},\"b\":2}".getBytes(StandardCharsets.UTF_8), FeatureError.NON_NUMERIC);
        assertReason("{\"a\":true,\"cpu\":{\"user\":1},\"b\":2}".getBytes(StandardCharsets.UTF_8), FeatureError.NON_NUMERIC);
        assertReason("{\"a\":{\"x\":1},\"cpu\":{\"user\":1},\"b\":2}".getBytes(StandardCharsets.UTF_8), FeatureError.NON_NUMERIC);
    }

    @Test
    void nonFiniteValuesAreRefusedIncludingFloatOverflow() {
        assertReason("{\"a\":\"NaN\",\"cpu\":{\"user\":1},\"b\":2}".getBytes(StandardCharsets.UTF_8), FeatureError.NON_FINITE);
        assertReason("{\"a\":\"Infinity\",\"cpu\":{\"user\":1},\"b\":2}".getBytes(StandardCharsets.UTF_8), FeatureError.NON_FINITE);
        assertReason("{\"a\":1e300,\"cpu\":{\"user\":1},\"b\":2}".getBytes(StandardCharsets.UTF_8), FeatureError.NON_FINITE);
    }

    private void assertReason(byte[] value, FeatureError expected) {
        assertThatThrownBy(() -> extractor.extract(value))
                .isInstanceOf(FeatureException.class)
                .satisfies(e -> assertThat(((FeatureException) e).error()).isEqualTo(expected));
    }
}
