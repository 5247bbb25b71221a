package dev.kade.cli;

import dev.kade.export.ForeignModelCalibrator;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetException;
import dev.kade.features.DataSetReader;
import dev.kade.model.InvalidModelException;
import dev.kade.model.ModelFiles;
import dev.kade.model.ModelMetadata;
import dev.kade.onnx.OnnxModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** `kade calibrate`: makes a foreign reconstruction-only ONNX model servable by writing its sidecar metadata. */
@Command(name = "calibrate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make a foreign ONNX model that outputs only a reconstruction (a plain PyTorch or Keras export) "
                + "servable: score held-out normal data through it and write MODEL.onnx.kade.json with the feature names, "
                + "threshold, score quantiles and version."})
public final class CalibrateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL.onnx", description = "Reconstruction-only ONNX model: one float input [N,F], one output [N,F].")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Held-out NORMAL data (.csv with header, or .jsonl), not the model's training rows.")
    Path data;

    @Option(names = "--features", split = ",", paramLabel = "NAME", description = "Feature names in the model's input order. Default: every numeric column, in file order.")
    List<String> features = new ArrayList<>();

    @Option(names = "--exclude-columns", split = ",", paramLabel = "NAME", description = "Columns never used as features.")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--threshold-quantile", defaultValue = "0.995", paramLabel = "Q", description = "Quantile of the normal scores used as threshold (default: ${DEFAULT-VALUE}).")
    double thresholdQuantile;

    @Option(names = "--raw-errors", description = "Do not divide squared errors by each feature's variance in --data (use when the model's input is already standardised).")
    boolean rawErrors;

    @Option(names = "--model-version", paramLabel = "TEXT", description = "Version named in alerts (default: FILE-NAME-SHA256PREFIX).")
    String version;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DataSet set;
        try {
            set = DataSetReader.read(data, DataSetReader.Options.defaults().withFeatures(features)
                    .withExcludeColumns(Set.copyOf(exclude)));
        } catch (DataSetException e) {
            err.println("kade calibrate: " + e.getMessage());
            return 1;
        }
        String v;
        try {
            v = version != null ? version : stem(model) + "-" + sha256(model).substring(0, 12);
        } catch (java.io.IOException e) {
            err.println("kade calibrate: cannot read " + model + ": " + e.getMessage());
            return 1;
        }
        try {
            ForeignModelCalibrator.Result r = ForeignModelCalibrator.calibrate(model, set, thresholdQuantile, !rawErrors,
                    v, Clock.systemUTC());
            ModelMetadata m = r.metadata();
            try (OnnxModel check = OnnxModel.load(model)) {
                out.printf(Locale.ROOT, "sidecar   %s%n", r.sidecar());
                out.printf(Locale.ROOT, "model     %s (reconstruction, %d features, version %s)%n", model, m.features().size(), m.version());
                out.printf(Locale.ROOT, "features  %s%n", String.join(",", m.features()));
                out.printf(Locale.ROOT, "threshold %.6g (quantile %s of %d normal scores; median score %.6g)%n", m.threshold(),
                        thresholdQuantile, r.rows(), m.distribution().valueAt(0.5));
                out.printf(Locale.ROOT, "errors    %s%n", rawErrors ? "raw squared errors" : "squared errors divided by each feature's variance in --data");
                out.printf(Locale.ROOT, "verified  the model loads with its sidecar (sha256 %s)%n", check.sha256());
            }
            return 0;
        } catch (InvalidModelException | IllegalArgumentException e) {
            err.println("kade calibrate: " + e.getMessage());
            return 1;
        }
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".onnx") ? n.substring(0, n.length() - 5) : n;
    }

    private static String sha256(Path p) throws java.io.IOException {
        return ModelFiles.sha256(p);
    }
}
