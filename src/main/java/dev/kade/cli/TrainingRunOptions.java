package dev.kade.cli;

import dev.kade.train.Standardizer;
import dev.kade.train.ThresholdRule;
import dev.kade.train.TrainConfig;
import dev.kade.train.TrainedEnsemble;
import dev.kade.train.Trainer;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The options {@code train} and {@code tune} share, defined once (a picocli mixin): how long and on what batches
 * every network trains, the seed, the threshold rule, the feature scaling, and the version stored in the model.
 * Each is applied to a {@link TrainConfig.Builder} only when given, so an absent option keeps
 * {@link TrainConfig#defaults}' value.
 */
final class TrainingRunOptions {

    @Option(names = "--epochs", paramLabel = "N", description = "Maximum epochs of each training (default: 200).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Mini-batch size (default: 128).")
    Integer batchSize;

    @Option(names = "--early-stopping-patience", paramLabel = "EPOCHS", description = "Stop after this many epochs without validation improvement; 0 = never (default: 10).")
    Integer patience;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed of the split, the initialisation and the batches (and of tune's draw of candidates); "
            + "the same seed and data give the same model (default: 42).")
    Long seed;

    @Option(names = "--threshold-quantile", paramLabel = "Q", description = "Target quantile of normal scores for the threshold: about 1-Q of normal traffic is flagged (default: 0.995).")
    Double thresholdQuantile;

    @Option(names = "--threshold-rule", paramLabel = "pot|quantile|mad", description = "How the threshold is taken from the validation scores without labels: "
            + "pot = extreme-value (generalised Pareto) fit to the top 10%%, exceeded with probability 1-Q; quantile = the empirical Q quantile; "
            + "mad = median + 5 robust standard deviations (default: pot).")
    String thresholdRule;

    @Option(names = "--scaling", paramLabel = "standard|robust|none", description = "Feature standardisation inside the model (default: robust; "
            + "with --window: none, the values being normalised per entity already).")
    String scaling;

    @Option(names = "--model-version", paramLabel = "TEXT", description = "Version string stored in the model (default: KIND-TIMESTAMP).")
    String modelVersion;

    @Option(names = "--no-report", description = "Do not write MODEL.report.html.")
    boolean noReport;

    @Option(names = "--quiet", description = "No progress output.")
    boolean quiet;

    @Option(names = "--threads", paramLabel = "N", description = "Ensemble members trained at once, one per thread "
            + "(default: the available processors; never more than the member count). Changes how long training takes, never the model.")
    Integer threads;

    /**
     * The trainer for {@code --threads}.
     *
     * @throws IllegalArgumentException naming the option when its value is below 1
     */
    Trainer trainer() {
        if (threads == null) {
            return new Trainer();
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads " + threads + ": expected at least 1");
        }
        return new Trainer(java.time.Clock.systemUTC(), threads);
    }

    /** The trained model with {@code --model-version}'s version, when given. */
    TrainedEnsemble versioned(TrainedEnsemble model) {
        return modelVersion == null ? model : model.withMetadata(model.metadata().withVersion(modelVersion));
    }

    /**
     * Sets the given options on {@code b}.
     *
     * @throws IllegalArgumentException naming the option whose value is not one of its choices
     */
    TrainConfig.Builder applyTo(TrainConfig.Builder b) {
        if (epochs != null) {
            b.epochs(epochs);
        }
        if (batchSize != null) {
            b.batchSize(batchSize);
        }
        if (patience != null) {
            b.earlyStoppingPatience(patience);
        }
        if (seed != null) {
            b.seed(seed);
        }
        if (thresholdQuantile != null) {
            b.thresholdQuantile(thresholdQuantile);
        }
        if (thresholdRule != null) {
            b.thresholdRule(ThresholdRule.parse(thresholdRule));
        }
        if (scaling != null) {
            try {
                b.scaling(Standardizer.Scaling.valueOf(scaling.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--scaling " + scaling + ": expected standard, robust or none");
            }
        }
        return b;
    }
}
