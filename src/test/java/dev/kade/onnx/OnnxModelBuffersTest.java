package dev.kade.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.export.OnnxExporter;
import dev.kade.features.DataSet;
import dev.kade.model.ModelKind;
import dev.kade.model.Scores;
import dev.kade.train.Fixtures;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainedModel;
import dev.kade.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flat, buffer-reusing scoring path: results equal the Java forward pass whatever the batch size
 * and whatever the thread, after buffers of other sizes were used, and from rows at an offset.
 */
class OnnxModelBuffersTest {
    private static final int WIDTH = 7;

    @TempDir
    Path dir;

    @Test
    void reusedBuffersGiveTheForwardPassResultsAtEveryBatchSizeOnEveryThread() throws Exception {
        DataSet data = Fixtures.correlated(400, WIDTH, 3);
        TrainedModel model = new Trainer().train(data, Fixtures.quick(ModelKind.AE), ProgressListener.NONE);
        Path file = dir.resolve("ae.onnx");
        OnnxExporter.export(model, file);
        float[][] rows = Fixtures.correlated(256, WIDTH, 11).rows();
        for (int i = 0; i < rows.length; i += 5) {
            rows[i][i % WIDTH] += 30f;
        }
        Scores expected = model.score(rows);
        float[][] expectedCode = model.latent(rows);
        int l = model.latentWidth();
        float[] flat = new float[rows.length * WIDTH];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * WIDTH, WIDTH);
        }
        try (OnnxModel onnx = OnnxModel.load(file)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    work.add(pool.submit(() -> {
                        for (int round = 0; round < 20; round++) {
                            for (int batch : new int[] {1, 16, 64, 256, 3, 1}) {
                                int first = (round * 7) % (rows.length - batch + 1);
                                float[] in = java.util.Arrays.copyOfRange(flat, first * WIDTH, (first + batch) * WIDTH);
                                float[] score = new float[batch];
                                float[] errors = new float[batch * WIDTH];
                                // odd rounds also fetch the latent code, through the same per-thread buffers
                                float[] code = round % 2 == 1 ? new float[batch * l] : null;
                                if (code == null) {
                                    onnx.score(in, batch, score, errors);
                                } else {
                                    onnx.score(in, batch, score, errors, code);
                                }
                                for (int i = 0; i < batch; i++) {
                                    assertClose(score[i], expected.score()[first + i]);
                                    for (int k = 0; code != null && k < l; k++) {
                                        assertClose(code[i * l + k], expectedCode[first + i][k]);
                                    }
                                    for (int j = 0; j < WIDTH; j++) {
                                        assertClose(errors[i * WIDTH + j], expected.featureErrors()[first + i][j]);
                                    }
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : work) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aClosedModelRefusesToScore() {
        Path file = dir.resolve("small.onnx");
        OnnxExporter.export(new Trainer().train(Fixtures.correlated(200, WIDTH, 1), Fixtures.quick(ModelKind.AE),
                ProgressListener.NONE), file);
        OnnxModel onnx = OnnxModel.load(file);
        onnx.score(new float[WIDTH], 1, new float[1], new float[WIDTH]);
        onnx.close();
        assertThatThrownBy(() -> onnx.score(new float[WIDTH], 1, new float[1], new float[WIDTH]))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    private static void assertClose(float actual, float expected) {
        double tol = 1e-4 * Math.max(1, Math.abs(expected));
        assertThat((double) actual).isCloseTo(expected, org.assertj.core.data.Offset.offset(tol));
    }
}
