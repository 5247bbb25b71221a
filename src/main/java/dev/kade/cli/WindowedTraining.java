package dev.kade.cli;

import dev.kade.features.DataSet;
import dev.kade.features.DataSetException;
import dev.kade.export.WindowedExporter;
import dev.kade.series.SeriesSpec;
import dev.kade.series.SeriesWindows;
import dev.kade.series.WindowBuilder;
import dev.kade.train.ConsoleProgress;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainConfig;
import dev.kade.train.WindowedModel;
import dev.kade.train.WindowedTrainer;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine;

/**
 * {@code kade train --window W}: reads long-format data, builds each entity's windows by the stream's rule
 * ({@link WindowBuilder}), trains on them and writes the windowed ONNX model ({@link WindowedExporter}).
 */
final class WindowedTraining {
    private WindowedTraining() {
    }

    /**
     * The architecture nab-findings v4 measured for windows where the command line leaves it open: one hidden
     * layer of W·F/2, a bottleneck of W·F/8 (at least 2), tanh (64 → 32 → 8 → 32 → 64 at W = 32 with a value and
     * its seasonal residual), instead of the per-record default [2F, F] with ReLU; and no column scaling on top of
     * the per-entity normalisation (the measured design has none).
     */
    static TrainConfig windowDefaults(TrainCommand cmd, TrainConfig config, int width) {
        TrainConfig.Builder b = config.toBuilder();
        if (cmd.hidden == null) {
            b.hidden(java.util.List.of(Math.max(2, width / 2)));
        }
        if (cmd.latentDim == null) {
            b.latentDim(Math.max(2, width / 8));
        }
        if (cmd.activation == null) {
            b.activation(dev.kade.train.Activation.TANH);
        }
        if (cmd.run.scaling == null) {
            b.scaling(dev.kade.train.Standardizer.Scaling.NONE);
        }
        return b.build();
    }

    static int run(TrainCommand cmd, TrainConfig config, PrintWriter outW, PrintWriter err) {
        SeriesOptions so = cmd.series;
        DataSet set;
        SeriesWindows windows;
        SeriesSpec spec;
        try {
            set = cmd.input.read(so.keyColumns());
            spec = so.spec(set.width());
            windows = WindowBuilder.build(spec, so.rows(cmd.input.data, set, cmd.input.imputation));
        } catch (DataSetException e) {
            err.println("kade train: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd.spec.commandLine(), e.getMessage(), e);
        }
        config = windowDefaults(cmd, config, spec.width());
        ProgressListener progress = cmd.run.quiet ? ProgressListener.NONE : ConsoleProgress.stderr();
        WindowedModel model;
        long t0 = System.nanoTime();
        try {
            model = new WindowedTrainer(cmd.run.trainer()).train(windows, set.features(), set.source(), config, progress);
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("kade train: " + e.getMessage());
            return 1;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        String version = cmd.run.versioned(model.inner()).metadata().version();
        model = model.withVersion(version);
        WindowedExporter.export(model, cmd.out);
        outW.printf(Locale.ROOT, "model     %s (%s, window %d x %d features, %d parameters, version %s)%n", cmd.out,
                model.metadata().kind().label(), spec.window(), spec.features(), model.inner().parameterCount(),
                model.metadata().version());
        outW.printf(Locale.ROOT, "features  %s%n", String.join(",", model.metadata().features()));
        spec.seasonal().ifPresent(s -> outW.printf(Locale.ROOT, "seasonal  %d week bins, %d day bins, alpha %s, zone %s%n",
                s.weekBins(), s.dayBins(), s.alpha(), s.zone()));
        outW.printf(Locale.ROOT, "series    %d entities, %d rows, %d windows; normalisation %s%s, clip %s%n",
                windows.entities().size(), set.size(), windows.size(), spec.normalisation().label(),
                spec.normalisation() == dev.kade.series.Normalisation.EWM ? " (half-life " + spec.halfLife() + " steps)" : "",
                spec.clip() == 0 ? "off" : Double.toString(spec.clip()));
        outW.printf(Locale.ROOT, "data      %s%n", model.metadata().fingerprint());
        outW.printf(Locale.ROOT, "threshold %.6g (quantile %s of %d validation windows)%n", model.metadata().threshold(),
                config.thresholdQuantile(), model.inner().validationScores().length);
        outW.printf(Locale.ROOT, "trained   in %.1f s%n", seconds);
        if (!cmd.run.noReport) {
            outW.printf(Locale.ROOT, "report    not written for windowed models%n");
        }
        outW.flush();
        return 0;
    }
}
