package dev.kade.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ScoreDistribution;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link AlertBytes} writes the bytes the Jackson generator writes for an alert, and takes the alerts a stream usually
 * sends: checked on generated alerts with edge numbers (zeros, subnormals, infinities, NaN, negative errors), every
 * count of top features, feature names and model versions that need escaping, times outside the plain range, and keys
 * that need escaping (which go to the generator); and under limits that force the generator's truncation.
 */
class AlertBytesTest {
    private static final String[] NAMES = {"a", "cpu_pct", "x.y", "q\"uote", "sl\\ash", "caf\u00e9", "tab\tname", "\ud83d\ude00",
        "a_rather_long_feature_name_of_forty_bytes"};
    private static final String[] VERSIONS = {"2026-11-25.1", "v\"quoted\"", "\u00e9t\u00e9"};
    private static final String[] TOPICS = {"metrics", "a.b-c_d", "t\u00f6pic"};
    private static final String[] KEYS = {"host-7", "", "with space", "q\"uote", "sl\\ash", "\u00fcber", "ctl\u0001", "{\"json\":1}"};

    @Test
    void theBytesAreTheGeneratorsForEveryAlert() throws Exception {
        SplittableRandom r = new SplittableRandom(18);
        OutputWriter writer = new OutputWriter(OutputLimits.DEFAULT);
        int fast = 0;
        for (int n = 0; n < 20_000; n++) {
            Alert a = alert(r, model(r), r.nextInt(4) == 0 ? null : KEYS[r.nextInt(KEYS.length)]);
            String generator = new String(writer.alertWithGenerator(a), StandardCharsets.UTF_8);
            String written = new String(writer.alert(a), StandardCharsets.UTF_8);
            assertThat(written).as("%s", a).isEqualTo(generator);
            if (new AlertBytes().write(a, new com.fasterxml.jackson.core.io.SerializedString("1.0"),
                    new com.fasterxml.jackson.core.io.SerializedString("ae"), new com.fasterxml.jackson.core.io.SerializedString("v"),
                    a.model().features().stream().map(com.fasterxml.jackson.core.io.SerializedString::new)
                            .toArray(com.fasterxml.jackson.core.SerializableString[]::new),
                    new com.fasterxml.jackson.core.io.SerializedString("t"), new TopFeatures())) {
                fast++;
            }
        }
        // keys that need escaping (about half of the generated ones) go to the generator; the rest do not
        assertThat(fast).isGreaterThan(8_000);
    }

    @Test
    void anAlertTooLargeToSendWholeIsTruncatedAsTheGeneratorTruncatesIt() throws Exception {
        SplittableRandom r = new SplittableRandom(5);
        OutputWriter small = new OutputWriter(new OutputLimits(OutputLimits.MIN_BYTES));
        int truncated = 0;
        for (int n = 0; n < 2_000; n++) {
            String key = "k".repeat(r.nextInt(OutputLimits.MIN_BYTES));
            Alert a = alert(r, model(r), key);
            byte[] generator;
            try {
                generator = small.alertWithGenerator(a);
            } catch (OutputTooLargeException e) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> small.alert(a)).isInstanceOf(OutputTooLargeException.class);
                continue;
            }
            String written = new String(small.alert(a), StandardCharsets.UTF_8);
            assertThat(written).isEqualTo(new String(generator, StandardCharsets.UTF_8));
            if (written.contains("\"truncated\":true")) {
                truncated++;
            }
        }
        assertThat(truncated).isGreaterThan(100);
    }

    private static ModelMetadata model(SplittableRandom r) {
        int width = 1 + r.nextInt(12);
        List<String> names = new ArrayList<>();
        for (int j = 0; j < width; j++) {
            names.add(NAMES[r.nextInt(NAMES.length)] + j);
        }
        double threshold = r.nextBoolean() ? 1.0 : r.nextDouble() * Math.pow(10, r.nextInt(10) - 4);
        double top = Math.max(threshold * 2, 1e-6);
        return new ModelMetadata(names, ModelKind.values()[r.nextInt(ModelKind.values().length)], threshold,
                new ScoreDistribution(new double[] {0, 0.5, 0.9, 0.99, 1.0}, new double[] {0, top / 8, top / 4, top / 2, top}),
                "sha256:test", Instant.parse("2026-11-25T00:00:00Z"), VERSIONS[r.nextInt(VERSIONS.length)]);
    }

    private static Alert alert(SplittableRandom r, ModelMetadata model, String key) {
        int width = model.features().size();
        int offset = r.nextInt(3) * width;
        float[] features = new float[offset + width];
        float[] errors = new float[offset + width];
        for (int j = 0; j < width; j++) {
            features[offset + j] = edge(r);
            errors[offset + j] = r.nextInt(5) == 0 ? edge(r) : (float) r.nextDouble();
        }
        float score = r.nextInt(10) == 0 ? Float.POSITIVE_INFINITY : Math.abs(edge(r));
        Source source = new Source(TOPICS[r.nextInt(TOPICS.length)], r.nextInt(100), r.nextLong(Long.MAX_VALUE));
        return new Alert(key == null ? null : key.getBytes(StandardCharsets.UTF_8), source, time(r), time(r), model, score,
                features, errors, offset, r.nextInt(width + 2));
    }

    private static Instant time(SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0 -> Instant.ofEpochSecond(r.nextLong(-100_000_000_000_000L, 100_000_000_000_000L), r.nextInt(1_000_000_000));
            case 1 -> Instant.ofEpochMilli(1_764_000_000_000L + r.nextInt(1_000_000_000));
            case 2 -> Instant.EPOCH;
            default -> Instant.ofEpochSecond(1_764_000_000L, r.nextInt(1_000_000_000));
        };
    }

    private static float edge(SplittableRandom r) {
        return switch (r.nextInt(8)) {
            case 0 -> 0f;
            case 1 -> -0f;
            case 2 -> Float.MIN_VALUE * (1 + r.nextInt(100));
            case 3 -> Float.POSITIVE_INFINITY;
            case 4 -> Float.NaN;
            case 5 -> Float.intBitsToFloat(r.nextInt());
            default -> (float) (r.nextGaussian() * Math.pow(10, r.nextInt(12) - 6));
        };
    }
}
