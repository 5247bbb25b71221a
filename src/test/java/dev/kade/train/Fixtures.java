package dev.kade.train;

import dev.kade.features.DataSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small data for fast tests. */
public final class Fixtures {
    /** The data sets shipped in the repository (ADBench splits, see its NOTICE.md); tests read nothing outside it. */
    public static final Path DATASETS = Path.of("src", "demo", "resources", "datasets");

    private Fixtures() {
    }

    /** {@code n} rows of {@code f} correlated features on different scales (a rank-2 signal plus noise). */
    public static DataSet correlated(int n, int f, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> names = new ArrayList<>();
        for (int j = 0; j < f; j++) {
            names.add("f" + j);
        }
        float[][] rows = new float[n][f];
        for (int i = 0; i < n; i++) {
            double a = rng.nextGaussian();
            double b = rng.nextGaussian();
            for (int j = 0; j < f; j++) {
                rows[i][j] = (float) ((j + 1) * (Math.sin(j) * a + Math.cos(j) * b + 0.1 * rng.nextGaussian()) + 10 * j);
            }
        }
        return DataSet.of(names, rows, "synthetic");
    }

    /** A quick config: few epochs, small layers. */
    public static TrainConfig quick(dev.kade.model.ModelKind kind) {
        return TrainConfig.defaults(kind).withEpochs(15).withArchitecture(List.of(8, 6), 3);
    }
}
