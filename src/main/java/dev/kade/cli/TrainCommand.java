package dev.kade.cli;

import dev.kade.export.OnnxExporter;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetException;
import dev.kade.train.Activation;
import dev.kade.train.ConsoleProgress;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainConfig;
import dev.kade.train.TrainedEnsemble;
import dev.kade.train.TrainKind;
import dev.kade.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** {@code kade train}: fit an AE or VAE on normal data, export ONNX, write the report. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train an autoencoder (ae) or variational autoencoder (vae) on normal data (CSV with a header, or JSON "
                + "Lines) and export it as an ONNX model that `kade run` serves.",
            "Writes MODEL.report.html beside the model.",
            "With --window W: long-format series data (one row per entity and time step); the model scores each record "
                + "with its entity's last W steps, normalised per entity."})
public final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TrainingDataOptions input;

    @Option(names = "--out", required = true, paramLabel = "MODEL.onnx", description = "Where to write the model.")
    Path out;

    @Option(names = "--kind", paramLabel = "ae|vae|mix",
            description = "Model kind; mix = an ensemble of AEs and VAEs, half each (default: mix).")
    TrainKind kind = TrainKind.MIX;

    @Option(names = "--hidden", split = ",", paramLabel = "SIZE", description = "Encoder hidden layer sizes, e.g. 32,16 (decoder mirrors). Default: 2F,F.")
    List<Integer> hidden;

    @Option(names = "--latent-dim", paramLabel = "N", description = "Bottleneck width. Default: max(2, F/2).")
    Integer latentDim;

    @Option(names = "--activation", paramLabel = "relu|tanh|sigmoid", description = "Hidden-layer activation (default: relu).")
    Activation activation;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "Adam learning rate (default: 0.001).")
    Double learningRate;

    @Option(names = "--weight-decay", paramLabel = "WD", description = "Decoupled weight decay (default: 0).")
    Double weightDecay;

    @Option(names = "--validation-split", paramLabel = "SHARE", description = "Share of rows held out for early stopping and the threshold (default: 0.2).")
    Double validationSplit;

    @Option(names = "--beta", paramLabel = "BETA", description = "Weight of the KL term for --kind vae (default: 1).")
    Double beta;

    @Option(names = "--code-penalty", paramLabel = "LAMBDA", description = "Weight of the L1 sparsity penalty on the latent code, training only (default: 0 = off).")
    Double codePenalty;

    @Option(names = "--input-noise", paramLabel = "SIGMA", description = "Std. deviation of Gaussian noise on the standardised input during training: a denoising AE (default: 0 = off).")
    Double inputNoise;

    @Option(names = "--ensemble", paramLabel = "K", description = "Train K members and export them as one graph; each member's score is centred and scaled by the median and IQR of its scores on held-out normal rows, then averaged (default: "
            + TrainConfig.DEFAULT_ENSEMBLE + " with --kind mix, else 1).")
    Integer ensemble;

    @Mixin
    TrainingRunOptions run;

    @Mixin
    SeriesOptions series;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outW = spec.commandLine().getOut();
        TrainConfig config;
        Trainer trainer;
        try {
            config = config();
            trainer = run.trainer();
            series.check();
            input.checkSource();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (series.windowed()) {
            return WindowedTraining.run(this, config, outW, err);
        }
        DataSet set;
        try {
            set = input.read(config.seed());
            set.notes().forEach(n -> err.println("kade train: note: " + n));
        } catch (DataSetException | IllegalArgumentException | IllegalStateException | org.apache.kafka.common.KafkaException e) {
            err.println("kade train: " + e.getMessage());
            return 1;
        }
        ProgressListener progress = run.quiet ? ProgressListener.NONE : ConsoleProgress.stderr();
        TrainedEnsemble model;
        long t0 = System.nanoTime();
        try {
            model = trainer.trainEnsemble(set, config, progress);
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("kade train: " + e.getMessage());
            return 1;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        model = run.versioned(model);
        OnnxExporter.export(model, out);
        TrainingSummary.print(outW, model, set, out, config, seconds, !run.noReport);
        outW.flush();
        return 0;
    }

    TrainConfig config() {
        TrainConfig.Builder b = run.applyTo(kind.defaults());
        if (hidden != null) {
            b.hidden(hidden);
        }
        if (latentDim != null) {
            b.latentDim(latentDim);
        }
        if (activation != null) {
            b.activation(activation);
        }
        if (learningRate != null) {
            b.learningRate(learningRate);
        }
        if (weightDecay != null) {
            b.weightDecay(weightDecay);
        }
        if (validationSplit != null) {
            b.validationSplit(validationSplit);
        }
        if (beta != null) {
            b.beta(beta);
        }
        if (codePenalty != null) {
            b.codePenalty(codePenalty);
        }
        if (inputNoise != null) {
            b.inputNoise(inputNoise);
        }
        if (ensemble != null) {
            b.ensemble(ensemble);
        }
        return b.build();
    }
}
