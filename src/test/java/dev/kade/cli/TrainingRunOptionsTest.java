package dev.kade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.train.Standardizer;
import dev.kade.train.ThresholdRule;
import dev.kade.train.TrainConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** train and tune read their shared options ({@link TrainingRunOptions}, {@link TrainingDataOptions}) the same way. */
class TrainingRunOptionsTest {
    private static final String[] SHARED = {"--data", "x.csv", "--out", "m.onnx", "--epochs", "17", "--batch-size", "64",
        "--early-stopping-patience", "3", "--seed", "9", "--threshold-quantile", "0.99", "--threshold-rule", "mad",
        "--scaling", "standard", "--model-version", "v9", "--no-report", "--quiet", "--imputation", "drop-row"};

    @Test
    void trainAndTuneApplyTheSharedOptionsAlike() {
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs(SHARED);
        TuneCommand tune = new TuneCommand();
        new CommandLine(tune).parseArgs(SHARED);

        for (TrainConfig c : new TrainConfig[] {train.config(), tune.baseConfig()}) {
            assertThat(c.epochs()).isEqualTo(17);
            assertThat(c.batchSize()).isEqualTo(64);
            assertThat(c.earlyStoppingPatience()).isEqualTo(3);
            assertThat(c.seed()).isEqualTo(9L);
            assertThat(c.thresholdQuantile()).isEqualTo(0.99);
            assertThat(c.thresholdRule()).isEqualTo(ThresholdRule.MAD);
            assertThat(c.scaling()).isEqualTo(Standardizer.Scaling.STANDARD);
        }
        for (TrainingRunOptions run : new TrainingRunOptions[] {train.run, tune.run}) {
            assertThat(run.modelVersion).isEqualTo("v9");
            assertThat(run.noReport).isTrue();
            assertThat(run.quiet).isTrue();
        }
        assertThat(train.input.imputation).isEqualTo(tune.input.imputation).hasToString("DROP_ROW");
    }

    @Test
    void absentOptionsKeepTheDefaultsAndTrainStaysTheMix() {
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs("--data", "x.csv", "--out", "m.onnx");
        TrainConfig c = train.config();
        TrainConfig defaults = TrainConfig.defaults(c.kind());
        assertThat(c.seed()).isEqualTo(defaults.seed());
        assertThat(c.epochs()).isEqualTo(defaults.epochs());
        assertThat(c.thresholdRule()).isEqualTo(ThresholdRule.POT);
        assertThat(c.mixed()).isTrue();
        assertThat(c.ensemble()).isEqualTo(TrainConfig.DEFAULT_ENSEMBLE);
    }

    @Test
    void aBadChoiceNamesItsOptionAndExitsTwo() {
        for (String command : new String[] {"train", "tune"}) {
            CliRun r = CliRun.execute(command, "--data", "x.csv", "--out", "m.onnx", "--scaling", "minmax");
            assertThat(r.exit()).as(command).isEqualTo(2);
            assertThat(r.err()).as(command).contains("--scaling minmax: expected standard, robust or none");
        }
    }

    @Test
    void threadsSetsTheTrainersPoolAndABadValueNamesTheOption() {
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs("--data", "x.csv", "--out", "m.onnx", "--threads", "3");
        assertThat(train.run.trainer().threads()).isEqualTo(3);
        TuneCommand tune = new TuneCommand();
        new CommandLine(tune).parseArgs("--data", "x.csv", "--out", "m.onnx");
        assertThat(tune.run.trainer().threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
        TrainCommand bad = new TrainCommand();
        new CommandLine(bad).parseArgs("--data", "x.csv", "--out", "m.onnx", "--threads", "0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> bad.run.trainer())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--threads 0: expected at least 1");
    }
}
