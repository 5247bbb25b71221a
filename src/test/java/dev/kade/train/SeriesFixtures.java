package dev.kade.train;

import dev.kade.model.ModelKind;
import dev.kade.series.SeriesRow;
import dev.kade.series.SeriesSpec;
import dev.kade.series.SeriesWindows;
import dev.kade.series.WindowBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small long-format series for fast windowed tests: entities on very different scales, interleaved in time. */
public final class SeriesFixtures {
    private SeriesFixtures() {
    }

    /**
     * {@code entities} entities of {@code steps} rows each with {@code f} features: a daily-like sine (period 12)
     * with noise, entity e at level 10^e and spread 10^(e−1), rows interleaved as a stream would see them.
     */
    public static List<SeriesRow> rows(int entities, int steps, int f, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<SeriesRow> rows = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            for (int e = 0; e < entities; e++) {
                double level = Math.pow(10, e);
                float[] v = new float[f];
                for (int j = 0; j < f; j++) {
                    double shape = Math.sin(2 * Math.PI * (t + 3 * j) / 12.0) + 0.1 * rng.nextGaussian();
                    v[j] = (float) (level * (1 + j) + level / 10 * shape);
                }
                rows.add(new SeriesRow("entity-" + e, t * 3_600_000L, v));
            }
        }
        return rows;
    }

    /** Windows of {@link #rows} (hourly rows) by the stream's rule. */
    public static SeriesWindows windows(SeriesSpec spec, int entities, int steps, long seed) {
        return WindowBuilder.build(spec, rows(entities, steps, spec.rawFeatures(), seed));
    }

    public static List<String> names(int f) {
        List<String> n = new ArrayList<>();
        for (int j = 0; j < f; j++) {
            n.add("v" + j);
        }
        return n;
    }

    /** A windowed model trained quickly ({@link Fixtures#quick}); {@code mixed} gives a 3-member AE/VAE ensemble. */
    public static WindowedModel train(SeriesSpec spec, ModelKind kind, boolean mixed) {
        SeriesWindows w = windows(spec, 3, 80, 7);
        TrainConfig config = Fixtures.quick(kind);
        if (mixed) {
            config = config.toBuilder().ensemble(3).mixed(true).build();
        }
        return new WindowedTrainer(new Trainer()).train(w, names(spec.rawFeatures()), "series-fixture", config, ProgressListener.NONE);
    }
}
