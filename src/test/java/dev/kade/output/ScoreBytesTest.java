package dev.kade.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ScoreDistribution;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ScoreBytes} writes the bytes the Jackson generator writes for a score record, and takes the records a stream
 * usually sends: checked on generated records with every optional field, edge numbers (zeros, subnormals, infinities,
 * NaN), odd model versions and topic names, and entities that need escaping (which go to the generator).
 */
class ScoreBytesTest {
    private static final String[] VERSIONS = {"2026-11-25.1", "v\"quoted\"", "back\\slash", "caf\u00e9", "tab\tnew\nline", "\u00e9t\u00e9 \ud83d\ude00"};
    private static final String[] TOPICS = {"metrics", "a.b-c_d", "t\u00f6pic", "x"};
    private static final String[] ENTITIES = {"host-7", "e0", "", "with space", "q\"uote", "sl\\ash", "\u00fcber", "ctl\u0001",
        "{\"json\":1}", "tab\t"};

    @Test
    void theBytesAreTheGeneratorsForEveryRecord() throws Exception {
        SplittableRandom r = new SplittableRandom(21);
        OutputWriter writer = new OutputWriter(OutputLimits.DEFAULT);
        int fast = 0;
        for (int n = 0; n < 20_000; n++) {
            ModelMetadata model = model(r);
            ScoreRecord s = record(r, model);
            byte[] key = r.nextBoolean() ? null : "k".getBytes(StandardCharsets.UTF_8);
            String generator = new String(writer.scoreWithGenerator(s, key), StandardCharsets.UTF_8);
            String written = new String(writer.score(s, key), StandardCharsets.UTF_8);
            assertThat(written).as("%s", s).isEqualTo(generator);
            if (new ScoreBytes().write(s, new com.fasterxml.jackson.core.io.SerializedString("1.0"),
                    new com.fasterxml.jackson.core.io.SerializedString(model.version()),
                    new com.fasterxml.jackson.core.io.SerializedString(s.source().topic()))) {
                fast++;
            }
        }
        // latent codes and entities that need escaping go to the generator; most records do not
        assertThat(fast).isGreaterThan(10_000);
    }

    @Test
    void aRecordTooLargeForTheLimitIsRefusedOnBothPaths() {
        OutputWriter small = new OutputWriter(new OutputLimits(OutputLimits.MIN_BYTES));
        ScoreRecord s = new ScoreRecord(0.5f, false, model(new SplittableRandom(1)), new Source("metrics", 0, 1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> small.score(s, new byte[OutputLimits.MIN_BYTES - 60]))
                .isInstanceOf(OutputTooLargeException.class).hasMessageContaining("output.max.bytes=" + OutputLimits.MIN_BYTES);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> small.scoreWithGenerator(s, new byte[OutputLimits.MIN_BYTES - 60]))
                .isInstanceOf(OutputTooLargeException.class).hasMessageContaining("output.max.bytes=" + OutputLimits.MIN_BYTES);
    }

    private static ModelMetadata model(SplittableRandom r) {
        double threshold = switch (r.nextInt(3)) {
            case 0 -> 1.0;
            case 1 -> r.nextDouble() * 1e-3;
            default -> r.nextDouble() * 1e6;
        };
        double top = Math.max(threshold * 2, 1e-6);
        return new ModelMetadata(List.of("a", "b"), ModelKind.RECONSTRUCTION, threshold,
                new ScoreDistribution(new double[] {0, 0.5, 0.9, 0.99, 1.0}, new double[] {0, top / 8, top / 4, top / 2, top}),
                "sha256:test", Instant.parse("2026-11-25T00:00:00Z"), VERSIONS[r.nextInt(VERSIONS.length)]);
    }

    private static ScoreRecord record(SplittableRandom r, ModelMetadata model) {
        float score = switch (r.nextInt(8)) {
            case 0 -> 0f;
            case 1 -> -0f;
            case 2 -> Float.MIN_VALUE * (1 + r.nextInt(100));
            case 3 -> Float.POSITIVE_INFINITY;
            case 4 -> Float.NaN;
            case 5 -> Float.intBitsToFloat(r.nextInt() & 0x7fffffff);
            default -> (float) (r.nextDouble() * Math.pow(10, r.nextInt(12) - 6));
        };
        Source source = new Source(TOPICS[r.nextInt(TOPICS.length)], r.nextInt(3) == 0 ? -1 : r.nextInt(100),
                r.nextBoolean() ? r.nextInt(10) : r.nextLong(Long.MAX_VALUE));
        SeriesScore series = null;
        if (r.nextBoolean()) {
            long time = switch (r.nextInt(4)) {
                case 0 -> 0L;
                case 1 -> -r.nextLong(100_000_000_000_000L);
                case 2 -> r.nextLong(400_000_000_000_000L);
                default -> 1_764_000_000_000L + r.nextInt(1_000_000_000);
            };
            series = new SeriesScore(ENTITIES[r.nextInt(ENTITIES.length)], time, r.nextBoolean(), r.nextBoolean(),
                    r.nextBoolean(), r.nextBoolean(), edge(r), edge(r));
        }
        float[] latent = r.nextInt(10) == 0 ? new float[] {1.5f, -2f, 0f} : null;
        return new ScoreRecord(score, r.nextBoolean(), model, source, latent, 0, latent == null ? 0 : 3, series,
                r.nextInt(5) == 0);
    }

    private static double edge(SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0 -> Double.NaN;
            case 1 -> 0.0;
            case 2 -> 1.0 - r.nextDouble() * 1e-9;
            case 3 -> Double.longBitsToDouble(r.nextLong() & 0x7fffffffffffffffL);
            default -> r.nextDouble();
        };
    }
}
