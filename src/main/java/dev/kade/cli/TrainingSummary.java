package dev.kade.cli;

import dev.kade.eval.Report;
import dev.kade.export.OnnxExporter;
import dev.kade.features.DataSet;
import dev.kade.train.TrainConfig;
import dev.kade.train.TrainedEnsemble;
import dev.kade.train.TrainedModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The summary {@code train} and {@code tune} print after exporting a model (and the decoder graph and report
 * they write beside it), so that a tuned model is described, and accompanied, exactly as a trained one.
 */
final class TrainingSummary {
    private TrainingSummary() {
    }

    static void print(PrintWriter outW, TrainedEnsemble model, DataSet set, Path out, TrainConfig config, double seconds,
                      boolean writeReport) {
        outW.printf(Locale.ROOT, "model     %s (%s, %d features, %d parameters, version %s)%n", out, model.metadata().kind().label(),
                set.width(), model.parameterCount(), model.metadata().version());
        // a model with a VAE also gets its decoder as a graph of its own, for `kade sample`
        OnnxExporter.exportDecoder(model, out).ifPresent(d -> outW.printf(Locale.ROOT, "decoder   %s (kade sample)%n", d));
        outW.printf(Locale.ROOT, "features  %s%n", String.join(",", set.features()));
        // what model.require.fingerprint pins
        outW.printf(Locale.ROOT, "data      %s%n", model.metadata().fingerprint());
        outW.printf(Locale.ROOT, "threshold %.6g (%s)%n", model.metadata().threshold(),
                config.thresholdRule().describe(model.validationScores(), config.thresholdQuantile()));
        for (int k = 0; k < model.size(); k++) {
            TrainedModel m = model.members().get(k);
            outW.printf(Locale.ROOT, "%s %d run, kept %d, %.3f s per epoch%n",
                    model.size() == 1 ? "epochs   " : String.format(Locale.ROOT, "m%d %-5s", k, m.network().kind().label()),
                    m.history().epochs(), m.history().bestEpoch(), m.history().meanEpochSeconds());
        }
        outW.printf(Locale.ROOT, "trained   in %.1f s%n", seconds);
        if (writeReport) {
            outW.printf(Locale.ROOT, "report    %s%n", Report.writeTraining(model, out, set));
        }
    }
}
