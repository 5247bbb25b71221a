package dev.kade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.features.DataSet;
import dev.kade.features.DataSetReader;
import dev.kade.features.FeatureExtractor;
import dev.kade.features.RecordReader;
import dev.kade.onnx.OnnxModel;
import dev.kade.train.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kade sample} on a VAE trained by {@code kade train} on a shipped data set: the records parse back
 * through the stream's readers, resemble the training data feature by feature, and score as normal
 * through the real model. An AE, or a VAE whose decoder is missing, is refused with exit 2 and one line.
 */
class SampleCommandTest {
    private static final Path TRAIN = Fixtures.DATASETS.resolve("thyroid.train.csv");
    private static final int N = 3000;

    @TempDir
    static Path dir;

    static Path vae;
    static Path ae;

    @BeforeAll
    static void train() {
        vae = dir.resolve("vae.onnx");
        ae = dir.resolve("ae.onnx");
        assertThat(run("train", "--data", TRAIN.toString(), "--kind", "vae", "--out", vae.toString(), "--quiet", "--no-report").exit()).isZero();
        assertThat(run("train", "--data", TRAIN.toString(), "--kind", "ae", "--out", ae.toString(), "--quiet", "--no-report").exit()).isZero();
        assertThat(dir.resolve("vae.decoder.onnx")).exists();
        assertThat(dir.resolve("ae.decoder.onnx")).doesNotExist();
    }

    @Test
    void samplesResembleTheTrainingDataAndScoreAsNormal() throws Exception {
        Path out = dir.resolve("samples.jsonl");
        CliRun r = run("sample", "--model", vae.toString(), "--n", Integer.toString(N), "--seed", "3", "--output", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(N);

        DataSet train = DataSetReader.read(TRAIN, DataSetReader.Options.defaults().withExcludeColumns(java.util.Set.of("label")));
        List<String> features = train.features();
        FeatureExtractor extractor = new FeatureExtractor(features);
        RecordReader reader = new RecordReader(features);
        float[][] samples = new float[N][];
        for (int i = 0; i < N; i++) {
            samples[i] = extractor.extract(lines.get(i));
            // the stream's byte-level reader reads the same values
            assertThat(reader.read(lines.get(i).getBytes(StandardCharsets.UTF_8))).containsExactly(samples[i]);
        }
        float[][] rows = train.rows();
        for (int j = 0; j < features.size(); j++) {
            double[] t = moments(rows, j);
            double[] s = moments(samples, j);
            // a decoder that ignored scale or centre, or decoded noise, is off by whole standard deviations here
            assertThat(Math.abs(s[0] - t[0])).as("mean of %s: samples %s, training %s", features.get(j), s[0], t[0])
                    .isLessThan(0.2 * t[1]);
            assertThat(s[1] / t[1]).as("sd of %s: samples %s, training %s", features.get(j), s[1], t[1]).isBetween(0.3, 2.0);
            System.out.printf(java.util.Locale.ROOT, "sample %s: mean %.4g (training %.4g), sd %.4g (training %.4g)%n",
                    features.get(j), s[0], t[0], s[1], t[1]);
        }
        try (OnnxModel model = OnnxModel.load(vae)) {
            float[] scores = model.score(samples).score();
            long below = 0;
            for (float v : scores) {
                if (v < model.metadata().threshold()) {
                    below++;
                }
            }
            System.out.printf(java.util.Locale.ROOT, "samples below the threshold: %d of %d%n", below, N);
            assertThat(below).as("samples below the threshold").isGreaterThan((long) (0.9 * N));
        }
        // --mean-only: the same codes decoded without the decoder's noise, visibly less spread
        CliRun mean = run("sample", "--model", vae.toString(), "--n", "500", "--seed", "3", "--mean-only");
        assertThat(mean.exit()).isZero();
        float[][] smooth = mean.out().lines().map(l -> {
            try {
                return extractor.extract(l);
            } catch (dev.kade.features.FeatureException ex) {
                throw new AssertionError(ex);
            }
        }).toArray(float[][]::new);
        assertThat(smooth.length).isEqualTo(500);
        assertThat(moments(smooth, 0)[1]).isLessThan(0.5 * moments(samples, 0)[1]);
        // same seed, same records; another seed, others
        Path again = dir.resolve("again.jsonl");
        assertThat(run("sample", "--model", vae.toString(), "--n", "5", "--seed", "3", "--output", again.toString()).exit()).isZero();
        assertThat(Files.readAllLines(again)).containsExactlyElementsOf(lines.subList(0, 5));
        CliRun other = run("sample", "--model", vae.toString(), "--n", "5", "--seed", "4");
        assertThat(other.out().lines().toList()).hasSize(5).doesNotContainAnyElementsOf(lines.subList(0, 5));
    }

    @Test
    void anAeIsRefusedWithOneLineAndExitTwo() {
        CliRun r = run("sample", "--model", ae.toString(), "--n", "10");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip().lines().toList()).hasSize(1).first().asString()
                .startsWith("kade sample: --model").contains("is an AE").contains("VAE");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aVaeWithoutItsDecoderIsRefusedWithOneLineAndExitTwo() throws Exception {
        Path lone = dir.resolve("lone.onnx");
        Files.copy(vae, lone);
        CliRun r = run("sample", "--model", lone.toString(), "--n", "10");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip().lines().toList()).hasSize(1).first().asString().contains("no decoder graph").contains("lone.decoder.onnx");

        // a decoder of another model beside it is refused too
        Path otherModel = dir.resolve("other.onnx");
        assertThat(run("train", "--data", TRAIN.toString(), "--kind", "vae", "--out", otherModel.toString(), "--quiet", "--no-report",
                "--model-version", "other-vae", "--epochs", "2").exit()).isZero();
        Files.copy(dir.resolve("other.decoder.onnx"), dir.resolve("lone.decoder.onnx"));
        CliRun wrong = run("sample", "--model", lone.toString(), "--n", "10");
        assertThat(wrong.exit()).isEqualTo(2);
        assertThat(wrong.err()).contains("belongs to model other-vae");
    }

    @Test
    void badOptionsExitTwo() {
        assertThat(run("sample", "--model", vae.toString(), "--n", "0").exit()).isEqualTo(2);
        assertThat(run("sample", "--model", dir.resolve("missing.onnx").toString(), "--n", "1").err()).contains("no such file");
    }

    private static double[] moments(float[][] rows, int j) {
        double sum = 0;
        for (float[] r : rows) {
            sum += r[j];
        }
        double mean = sum / rows.length;
        double ss = 0;
        for (float[] r : rows) {
            ss += (r[j] - mean) * (r[j] - mean);
        }
        return new double[] {mean, Math.sqrt(ss / rows.length)};
    }

    private static CliRun run(String... args) {
        return CliRun.execute(args);
    }
}
