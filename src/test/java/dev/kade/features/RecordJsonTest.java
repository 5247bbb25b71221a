package dev.kade.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordJsonTest {
    @Test
    void dottedNamesNestAndEveryReaderReadsTheRowBack() throws Exception {
        List<String> features = List.of("cpu", "memory.used", "memory.free", "disk.io.read", "a", "a.b");
        RecordJson json = new RecordJson(features);
        float[] row = {0.5f, 5.6f, -1e-3f, 12345.678f, 7f, 8f};
        String text = json.toJson(row);
        // nested where it can be; a.b cannot nest under the value a, so it is written under its exact name
        assertThat(text).isEqualTo("{\"cpu\":0.5,\"memory\":{\"used\":5.6,\"free\":-0.001},\"disk\":{\"io\":{\"read\":12345.678}},"
                + "\"a\":7.0,\"a.b\":8.0}");
        assertThat(new FeatureExtractor(features).extract(text)).containsExactly(row);
        assertThat(new RecordReader(features).read(text.getBytes(StandardCharsets.UTF_8))).containsExactly(row);
    }

    @Test
    void aNonFiniteValueIsRefused() {
        RecordJson json = new RecordJson(List.of("x"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> json.toJson(new float[] {Float.NaN}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x' is not finite");
    }
}
