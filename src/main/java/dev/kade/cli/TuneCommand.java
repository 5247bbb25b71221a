package dev.kade.cli;

import dev.kade.export.OnnxExporter;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetException;
import dev.kade.features.DataSetReader;
import dev.kade.model.ModelKind;
import dev.kade.train.TrainConfig;
import dev.kade.train.TrainedEnsemble;
import dev.kade.train.Trainer;
import dev.kade.tune.Criterion;
import dev.kade.tune.SearchSpace;
import dev.kade.tune.Trial;
import dev.kade.tune.TuneReport;
import dev.kade.tune.TuneResult;
import dev.kade.tune.Tuner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code kade tune}: try kade's defaults and random points of a small grid (kind, hidden widths, latent
 * width, learning rate, β), rank them without labels (or by ROC-AUC on a labelled file), train the winner
 * on all rows and export it as {@code train} would. See {@link Tuner} and {@link Criterion}.
 */
@Command(name = "tune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Choose the model settings by experiment on normal data, then train and export the best as `kade train` would.",
            "Candidates: the defaults (ae, vae, mix) and random grid points (kind, hidden widths, latent width, learning rate, beta). "
                    + "Each trains on 80% of the rows; without labels they are ranked by how well they separate the other 20% "
                    + "from synthetic anomalies made from them (columns permuted; one feature beyond the observed range).",
            "Writes MODEL.tune.json (every candidate and its figures) and MODEL.report.html beside the model."})
public final class TuneCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    TrainingDataOptions input;

    @Option(names = {"--out", "--output"}, required = true, paramLabel = "MODEL.onnx", description = "Where to write the chosen model.")
    Path out;

    @Option(names = "--trials", defaultValue = "" + SearchSpace.DEFAULT_TRIALS, paramLabel = "N",
            description = "Candidates to try: the defaults ae, vae, mix (in that order), then random grid points (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--labelled-validation", paramLabel = "FILE",
            description = "Labelled rows (normal and anomalous): rank candidates by ROC-AUC on them instead of the label-free criterion.")
    Path labelledValidation;

    @Option(names = "--label-column", defaultValue = "label", paramLabel = "NAME",
            description = "Label column of --labelled-validation, 1 = anomaly (default: ${DEFAULT-VALUE}).")
    String labelColumn;

    @Mixin
    TrainingRunOptions run;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outW = spec.commandLine().getOut();
        TrainConfig base;
        Trainer trainer;
        try {
            base = baseConfig();
            trainer = run.trainer();
            SearchSpace.requireTrials(trials);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        DataSet set;
        Optional<DataSet> labelled = Optional.empty();
        try {
            set = input.read();
            set.notes().forEach(n -> err.println("kade tune: note: " + n));
            if (labelledValidation != null) {
                labelled = Optional.of(DataSetReader.read(labelledValidation, DataSetReader.Options.defaults()
                        .withFeatures(set.features()).withLabelColumn(labelColumn).withImputation(input.imputation)));
            }
        } catch (DataSetException e) {
            err.println("kade tune: " + e.getMessage());
            return 1;
        }
        Criterion criterion = labelled.isPresent() ? Criterion.LABELLED : Criterion.SYNTHETIC;
        Consumer<Trial> progress = run.quiet ? t -> { } : t -> {
            err.printf(Locale.ROOT, "tune %d/%d %s: %s %.4f (%.1f s)%s%n", t.index() + 1, trials, t.candidate().name(),
                    criterion.label(), t.value(criterion), t.trainSeconds(), t.failure().map(m -> ", failed: " + m).orElse(""));
            err.flush();
        };
        TuneResult result;
        try {
            result = new Tuner(trainer).tune(set, base, SearchSpace.candidates(trials, base.seed()), labelled, criterion, progress);
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("kade tune: " + e.getMessage());
            return 1;
        }
        TrainedEnsemble model = run.versioned(result.model());
        OnnxExporter.export(model, out);
        TuneReport.printTable(result, outW);
        TrainingSummary.print(outW, model, set, out, result.chosenConfig(), result.finalSeconds(), !run.noReport);
        outW.printf(Locale.ROOT, "tuned     %s (%d candidates, %.1f s training in all)%n", TuneReport.writeJson(result, out, input.source(),
                base.seed()), result.trials().size(), result.totalTrainSeconds());
        outW.flush();
        return 0;
    }

    /** The settings tuning does not vary, from the options (train's defaults otherwise). */
    TrainConfig baseConfig() {
        return run.applyTo(TrainConfig.defaults(ModelKind.AE).toBuilder()).build();
    }
}
