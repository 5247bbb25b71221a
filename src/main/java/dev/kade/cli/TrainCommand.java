package dev.kade.cli;

import dev.kade.eval.Report;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetException;
import dev.kade.features.DataSetReader;
import dev.kade.features.ImputationPolicy;
import dev.kade.model.ModelKind;
import dev.kade.onnx.OnnxExporter;
import dev.kade.train.Activation;
import dev.kade.train.ConsoleProgress;
import dev.kade.train.ProgressListener;
import dev.kade.train.Standardizer;
import dev.kade.train.TrainConfig;
import dev.kade.train.TrainedModel;
import dev.kade.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kade train}: fit an AE or VAE on normal data, export ONNX, write the report. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train an autoencoder (ae) or variational autoencoder (vae) on normal data (CSV with a header, or JSON Lines)",
            "and export it as an ONNX model that `kade run` serves. Writes MODEL.report.html beside the model."})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Training data: .csv (header) or .jsonl; normal rows only.")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "MODEL.onnx", description = "Where to write the model.")
    Path out;

    @Option(names = "--kind", defaultValue = "ae", paramLabel = "ae|vae", converter = KindConverter.class,
            description = "Model kind (default: ${DEFAULT-VALUE}).")
    ModelKind kind;

    @Option(names = "--features", split = ",", paramLabel = "NAME", description = "Feature columns in order; dotted names are nested JSON paths. Default: every numeric column.")
    List<String> features = List.of();

    @Option(names = "--exclude-columns", split = ",", paramLabel = "NAME", description = "Columns never used as features (ids, timestamps, labels).")
    List<String> exclude = List.of();

    @Option(names = "--imputation", defaultValue = "fail", paramLabel = "fail|mean|drop-row", converter = ImputationConverter.class,
            description = "What to do with a missing or non-numeric value (default: ${DEFAULT-VALUE}: stop, naming file, line and column).")
    ImputationPolicy imputation;

    @Option(names = "--hidden", split = ",", paramLabel = "SIZE", description = "Encoder hidden layer sizes, e.g. 32,16 (decoder mirrors). Default: 2F,F.")
    List<Integer> hidden;

    @Option(names = "--latent-dim", paramLabel = "N", description = "Bottleneck width. Default: max(2, F/2).")
    Integer latentDim;

    @Option(names = "--activation", paramLabel = "relu|tanh|sigmoid", description = "Hidden-layer activation (default: relu).")
    String activation;

    @Option(names = "--epochs", paramLabel = "N", description = "Maximum epochs (default: 200).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: 128).")
    Integer batchSize;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Adam learning rate (default: 0.001).")
    Double learningRate;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "Decoupled weight decay (default: 0).")
    Double weightDecay;

    @Option(names = "--validation-split", paramLabel = "SHARE", description = "Share of rows held out for early stopping and the threshold (default: 0.2).")
    Double validationSplit;

    @Option(names = "--early-stopping-patience", paramLabel = "EPOCHS", description = "Stop after this many epochs without validation improvement; 0 = never (default: 10).")
    Integer patience;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed; the same seed and data give the same model (default: 42).")
    Long seed;

    @Option(names = "--threshold-quantile", paramLabel = "Q", description = "Quantile of validation scores used as the threshold (default: 0.995).")
    Double thresholdQuantile;

    @Option(names = "--beta", paramLabel = "BETA", description = "Weight of the KL term for --kind vae (default: 1).")
    Double beta;

    @Option(names = "--scaling", paramLabel = "standard|robust", description = "Feature standardisation inside the model (default: robust).")
    String scaling;

    @Option(names = "--model-version", paramLabel = "TEXT", description = "Version string stored in the model (default: KIND-TIMESTAMP).")
    String modelVersion;

    @Option(names = "--no-report", description = "Do not write MODEL.report.html.")
    boolean noReport;

    @Option(names = "--quiet", description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outW = spec.commandLine().getOut();
        TrainConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        DataSet set;
        try {
            set = DataSetReader.read(data, DataSetReader.Options.defaults()
                    .withFeatures(features).withExcludeColumns(Set.copyOf(exclude)).withImputation(imputation));
        } catch (DataSetException e) {
            err.println("kade train: " + e.getMessage());
            return 1;
        }
        ProgressListener progress = quiet ? ProgressListener.NONE : ConsoleProgress.stderr();
        TrainedModel model;
        try {
            model = new Trainer().train(set, config, progress);
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("kade train: " + e.getMessage());
            return 1;
        }
        if (modelVersion != null) {
            model = new TrainedModel(model.network(), model.parameters(), model.standardizer(),
                    model.metadata().withVersion(modelVersion), model.config(), model.history(), model.validationScores());
        }
        OnnxExporter.export(model, out);
        outW.printf(Locale.ROOT, "model     %s (%s, %d features, %d parameters, version %s)%n", out, model.metadata().kind().label(),
                set.width(), model.network().parameterCount(), model.metadata().version());
        outW.printf(Locale.ROOT, "features  %s%n", String.join(",", set.features()));
        // what model.require.fingerprint pins
        outW.printf(Locale.ROOT, "data      %s%n", model.metadata().fingerprint());
        outW.printf(Locale.ROOT, "threshold %.6g (quantile %s of %d validation scores)%n", model.metadata().threshold(),
                config.thresholdQuantile(), model.validationScores().length);
        outW.printf(Locale.ROOT, "epochs    %d run, kept %d, %.3f s per epoch%n", model.history().epochs(), model.history().bestEpoch(),
                model.history().meanEpochSeconds());
        if (!noReport) {
            outW.printf(Locale.ROOT, "report    %s%n", Report.writeTraining(model, out));
        }
        outW.flush();
        return 0;
    }

    TrainConfig config() {
        TrainConfig d = TrainConfig.defaults(kind);
        return new TrainConfig(kind,
                hidden == null ? d.hidden() : hidden,
                latentDim == null ? d.latentDim() : latentDim,
                activation == null ? d.activation() : Activation.parse(activation),
                epochs == null ? d.epochs() : epochs,
                batchSize == null ? d.batchSize() : batchSize,
                learningRate == null ? d.learningRate() : learningRate,
                weightDecay == null ? d.weightDecay() : weightDecay,
                validationSplit == null ? d.validationSplit() : validationSplit,
                patience == null ? d.earlyStoppingPatience() : patience,
                seed == null ? d.seed() : seed,
                thresholdQuantile == null ? d.thresholdQuantile() : thresholdQuantile,
                beta == null ? d.beta() : beta,
                scaling == null ? d.scaling() : parseScaling(scaling));
    }

    private static Standardizer.Scaling parseScaling(String s) {
        try {
            return Standardizer.Scaling.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--scaling " + s + ": expected standard or robust");
        }
    }

    /** ae|vae, case-insensitive; kade trains only these two. */
    static final class KindConverter implements CommandLine.ITypeConverter<ModelKind> {
        @Override
        public ModelKind convert(String value) {
            ModelKind k = ModelKind.parse(value);
            if (k != ModelKind.AE && k != ModelKind.VAE) {
                throw new CommandLine.TypeConversionException("expected ae or vae, got '" + value + "'");
            }
            return k;
        }
    }

    /** fail|mean|drop-row. */
    static final class ImputationConverter implements CommandLine.ITypeConverter<ImputationPolicy> {
        @Override
        public ImputationPolicy convert(String value) {
            try {
                return ImputationPolicy.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("expected fail, mean or drop-row, got '" + value + "'");
            }
        }
    }
}
