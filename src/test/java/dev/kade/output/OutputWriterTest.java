package dev.kade.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ScoreDistribution;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The public output formats, byte for byte: each case renders with {@link OutputWriter} and compares
 * with a checked-in file under {@code src/test/resources/golden}. A change to these files is a change to
 * docs/output-formats.md ("Alert format", "Scores format") and must be documented there.
 */
class OutputWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final ModelMetadata MODEL = new ModelMetadata(List.of("cpu", "memory.used", "latency_ms"), ModelKind.RECONSTRUCTION,
            1.0, new ScoreDistribution(new double[] {0, 0.5, 0.9, 0.99, 1.0}, new double[] {0, 0.0015, 0.003, 0.006, 0.02}),
            "sha256:test", Instant.parse("2026-11-25T00:00:00Z"), "2026-11-25.1");
    private static final Instant EVENT = Instant.parse("2026-11-25T11:59:58.123Z");
    private static final Instant DETECTED = Instant.parse("2026-11-25T12:00:00.004Z");
    private static final Source SOURCE = new Source("metrics", 0, 48213);

    private final OutputWriter writer = new OutputWriter(OutputLimits.DEFAULT);

    @Test
    void alertMatchesTheGoldenFile() throws Exception {
        byte[] out = writer.alert(alert(bytes("host-7"), 14.222222f, new float[] {5f, 5f, 13f},
                new float[] {7.111111f, 7.111111f, 28.444445f}, 3));
        assertThat(text(out)).isEqualTo(golden("alert.json"));
    }

    @Test
    void alertWithoutKeyAndNoTopFeaturesMatchesTheGoldenFile() throws Exception {
        byte[] out = writer.alert(alert(null, 2.5f, new float[] {0.1f, -3f, 1e-7f}, new float[] {0f, 7.5f, 0f}, 0));
        assertThat(text(out)).isEqualTo(golden("alert-no-key.json"));
    }

    @Test
    void infiniteScoreIsAnAlertAtTheTopPercentileWithItsReason() throws Exception {
        byte[] out = writer.alert(alert(bytes("k"), Float.POSITIVE_INFINITY, new float[] {1.2e29f, 1f, 1f},
                new float[] {Float.POSITIVE_INFINITY, 0.5f, 0.25f}, 2));
        assertThat(text(out)).isEqualTo(golden("alert-infinite.json"));
        JsonNode n = JSON.readTree(out);
        assertThat(n.get("percentile").asDouble()).isEqualTo(100.0);
        assertThat(n.get("score").isNull()).isTrue();
        assertThat(n.get("score_note").asText()).isEqualTo(OutputWriter.INFINITE_SCORE_NOTE);
    }

    @Test
    void scoreRecordMatchesTheGoldenFile() throws Exception {
        byte[] out = writer.score(new ScoreRecord(0.0012f, false, MODEL, new Source("metrics", 0, 48212)), bytes("host-7"));
        assertThat(text(out)).isEqualTo(golden("score.json"));
    }

    @Test
    void scoreRecordWithItsLatentCodeMatchesTheGoldenFile() throws Exception {
        float[] batchCodes = {9f, 9f, 0.25f, -1.5f, Float.NaN, 9f};
        byte[] out = writer.score(new ScoreRecord(0.0012f, false, MODEL, new Source("metrics", 0, 48212), batchCodes, 2, 3),
                bytes("host-7"));
        assertThat(text(out)).isEqualTo(golden("score-latent.json"));
        assertThat(JSON.readTree(out).get("latent").get(2).isNull()).isTrue();
    }

    @Test
    void scoreRecordWhoseLatentCodeDoesNotFitIsRefused() {
        OutputWriter small = new OutputWriter(new OutputLimits(OutputLimits.MIN_BYTES));
        float[] code = new float[1000];
        java.util.Arrays.fill(code, 0.123456f);
        assertThatThrownBy(() -> small.score(new ScoreRecord(0.5f, false, MODEL, new Source("metrics", 0, 1), code, 0, 1000),
                bytes("k"))).isInstanceOf(OutputTooLargeException.class)
                .hasMessageContaining("output.max.bytes=" + OutputLimits.MIN_BYTES);
    }

    @Test
    void topFeaturesAreLargestFirstWithTiesInColumnOrder() throws Exception {
        JsonNode n = JSON.readTree(writer.alert(alert(bytes("k"), 3f, new float[] {1, 2, 3}, new float[] {2f, 5f, 2f}, 3)));
        assertThat(n.get("top_features").findValuesAsText("feature")).containsExactly("memory.used", "cpu", "latency_ms");
        assertThat(n.get("top_features").get(0).get("share").asDouble()).isEqualTo(0.5556);
    }

    @Test
    void theWriterCanBeReusedAndEachOutputIsItsOwnCopy() throws Exception {
        byte[] first = writer.score(new ScoreRecord(1f, true, MODEL, SOURCE), null);
        byte[] copy = first.clone();
        writer.alert(alert(bytes("k"), 3f, new float[] {1, 2, 3}, new float[] {2f, 5f, 2f}, 3));
        byte[] again = writer.score(new ScoreRecord(1f, true, MODEL, SOURCE), null);
        assertThat(first).isEqualTo(copy).isEqualTo(again);
        assertThat(JSON.readTree(first).get("anomaly").asBoolean()).isTrue();
    }

    @Test
    void anAlertOverTheLimitIsTruncatedAndSaysSo() throws Exception {
        OutputWriter small = new OutputWriter(new OutputLimits(OutputLimits.MIN_BYTES));
        byte[] key = bytes("h".repeat(3_000));
        byte[] out = small.alert(alert(key, 14f, new float[] {5f, 5f, 13f}, new float[] {7f, 7f, 28f}, 3));
        assertThat(key.length + out.length).isLessThanOrEqualTo(OutputLimits.MIN_BYTES);
        JsonNode n = JSON.readTree(out);
        assertThat(n.get("truncated").asBoolean()).isTrue();
        assertThat(n.get("key").asText()).hasSize(OutputWriter.KEY_TEXT_LIMIT);
        assertThat(n.get("top_features")).hasSize(3);
        assertThat(n.get("source").get("offset").asLong()).isEqualTo(48213);
    }

    @Test
    void anAlertWhoseKeyAloneIsTooLargeCannotBeProduced() {
        OutputWriter small = new OutputWriter(new OutputLimits(OutputLimits.MIN_BYTES));
        byte[] key = new byte[OutputLimits.MIN_BYTES];
        assertThatThrownBy(() -> small.alert(alert(key, 14f, new float[] {5f, 5f, 13f}, new float[] {7f, 7f, 28f}, 3)))
                .isInstanceOf(OutputTooLargeException.class).hasMessageContaining("output.max.bytes=" + OutputLimits.MIN_BYTES);
        assertThatThrownBy(() -> small.score(new ScoreRecord(1f, true, MODEL, SOURCE), key))
                .isInstanceOf(OutputTooLargeException.class);
    }

    @Test
    void readsItsRowFromAnOffsetInABatch() throws Exception {
        float[] features = {9, 9, 9, 5f, 5f, 13f};
        float[] errors = {0, 0, 0, 7.111111f, 7.111111f, 28.444445f};
        byte[] out = writer.alert(new Alert(bytes("host-7"), SOURCE, EVENT, DETECTED, MODEL, 14.222222f, features, errors, 3, 3));
        assertThat(text(out)).isEqualTo(golden("alert.json"));
    }

    static Alert alert(byte[] key, float score, float[] features, float[] errors, int top) {
        return new Alert(key, SOURCE, EVENT, DETECTED, MODEL, score, features, errors, 0, top);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final SeriesScore SERIES = new SeriesScore("host-7", EVENT.toEpochMilli(), false, false, false, true,
            0.9999962, 0.5432198);

    @Test
    void windowedScoreRecordMatchesTheGoldenFile() throws Exception {
        byte[] out = writer.score(new ScoreRecord(0.0042f, true, MODEL, SOURCE, null, 0, 0, SERIES), bytes("host-7"));
        assertThat(text(out)).isEqualTo(golden("score-series.json"));
        byte[] warming = writer.score(new ScoreRecord(0.0042f, false, MODEL, SOURCE, null, 0, 0,
                new SeriesScore("host-7", 0, true, false, true, false, Double.NaN, 0)), bytes("host-7"));
        JsonNode n = JSON.readTree(warming);
        assertThat(n.get("warming_up").asBoolean()).isTrue();
        assertThat(n.get("likelihood").isNull()).isTrue();
        assertThat(n.get("late").asBoolean()).isTrue();
        assertThat(n.has("gap")).isFalse();
    }

    @Test
    void windowedAlertShowsTheWindowBesideTheExpectedValuesAndWhatWasOff() throws Exception {
        // two rows of W=3 x F=3 in one batch; the alert is row 1's
        float[] windows = new float[18];
        float[] expected = new float[18];
        for (int k = 0; k < 18; k++) {
            windows[k] = k;
            expected[k] = k;
        }
        windows[9 + 2 * 3 + 2] = 99f; // the record's own latency_ms
        SeriesAlert series = new SeriesAlert(SERIES, windows, expected, 9, 3, 2, 0, 2);
        // the record's own values and errors, as the stream copies them out of the batch for an alert
        float[] record = java.util.Arrays.copyOfRange(windows, 15, 18);
        float[] errors = {1f, 2f, 30f};
        byte[] out = writer.alert(new Alert(bytes("host-7"), SOURCE, EVENT, DETECTED, MODEL, 14.222222f, record, errors, 0, 2,
                series));
        assertThat(text(out)).isEqualTo(golden("alert-series.json"));
        JsonNode n = JSON.readTree(out);
        assertThat(n.get("features").get("latency_ms").asDouble()).isEqualTo(99.0);
        assertThat(n.get("window").get("actual").get("latency_ms").toString()).isEqualTo("[14.0,99.0]");
        assertThat(n.get("window").get("expected").get("latency_ms").toString()).isEqualTo("[14.0,17.0]");
        assertThat(n.get("off").get("feature").asText()).isEqualTo("latency_ms");
        assertThat(n.get("off").get("steps_back").asInt()).isZero();
        // truncated: the window goes, what was off stays
        OutputWriter small = new OutputWriter(new OutputLimits(OutputLimits.MIN_BYTES));
        byte[] big = new byte[OutputLimits.MIN_BYTES - 950];
        java.util.Arrays.fill(big, (byte) 'k');
        JsonNode cut = JSON.readTree(small.alert(new Alert(big, SOURCE, EVENT, DETECTED, MODEL, 14.222222f, record, errors, 0, 2,
                series)));
        assertThat(cut.get("truncated").asBoolean()).isTrue();
        assertThat(cut.has("window")).isFalse();
        assertThat(cut.get("off").get("feature").asText()).isEqualTo("latency_ms");
    }

    @Test
    void everyFloatScoreReadsBackAsTheSameFloatAndIsNoLongerThanJavasText() throws Exception {
        java.util.Random random = new java.util.Random(18);
        for (int i = 0; i < 20_000; i++) {
            float f = i % 2 == 0 ? Float.intBitsToFloat(random.nextInt()) : random.nextFloat() * (float) Math.pow(10, random.nextInt(12) - 6);
            if (!Float.isFinite(f)) {
                continue;
            }
            JsonNode n = JSON.readTree(writer.score(new ScoreRecord(f, false, MODEL, SOURCE), null));
            String text = n.get("score").asText();
            assertThat(Float.parseFloat(text)).as("score text %s of float bits %08x", text, Float.floatToRawIntBits(f))
                    .isEqualTo(f);
            String javas = Double.toString(Double.parseDouble(Float.toString(f)));
            assertThat(text.length()).as("%s against %s", text, javas).isLessThanOrEqualTo(javas.length());
        }
    }

    @Test
    void aNewModelsThresholdAndVersionReplaceTheFormerOnes() throws Exception {
        writer.score(new ScoreRecord(0.5f, false, MODEL, SOURCE), null);
        ModelMetadata next = MODEL.withThreshold(0.0123).withVersion("2026-12-03.1");
        JsonNode n = JSON.readTree(writer.score(new ScoreRecord(0.5f, true, next, new Source("other", 2, 7)), null));
        assertThat(n.get("threshold").asDouble()).isEqualTo(0.0123);
        assertThat(n.get("model_version").asText()).isEqualTo("2026-12-03.1");
        assertThat(n.get("source").get("topic").asText()).isEqualTo("other");
        JsonNode back = JSON.readTree(writer.score(new ScoreRecord(0.5f, false, MODEL, SOURCE), null));
        assertThat(back.get("threshold").asDouble()).isEqualTo(1.0);
        assertThat(back.get("model_version").asText()).isEqualTo("2026-11-25.1");
        assertThat(back.get("source").get("topic").asText()).isEqualTo("metrics");
    }

    @Test
    void fourDecimalValuesAreWrittenAsTheGeneratorWritesThem() {
        char[] out = new char[16];
        // every percentile a score record can carry, then larger values up to the plain-notation limit
        for (long k = 0; k <= 1_000_000; k++) {
            assertFourDecimals(k / 10_000.0, out);
        }
        java.util.Random random = new java.util.Random(18);
        for (int i = 0; i < 200_000; i++) {
            assertFourDecimals(Math.round(random.nextDouble() * 1e11) / 10_000.0, out);
        }
        assertThat(OutputWriter.fourDecimals(0.0009, out)).isEqualTo(-1);
        assertThat(OutputWriter.fourDecimals(1e7, out)).isEqualTo(-1);
        assertThat(OutputWriter.fourDecimals(-0.0, out)).isEqualTo(-1);
        assertThat(OutputWriter.fourDecimals(-1.5, out)).isEqualTo(-1);
        assertThat(OutputWriter.fourDecimals(Double.NaN, out)).isEqualTo(-1);
    }

    private static void assertFourDecimals(double v, char[] out) {
        int start = OutputWriter.fourDecimals(v, out);
        String expected = com.fasterxml.jackson.core.io.NumberOutput.toString(v, true);
        if (start < 0) {
            assertThat(v).as("only values below 0.001 (scientific notation) are left to the generator").isLessThan(1e-3);
            return;
        }
        assertThat(new String(out, start, out.length - start)).as("value %s", expected).isEqualTo(expected);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = OutputWriterTest.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden file %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
