package dev.kade.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: only wires subcommands; each subcommand owns its options and its work. */
@Command(
        name = "kade",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Kafka Anomaly Detection Engine: train an autoencoder, score a Kafka stream, alert on anomalies.",
        subcommands = {
            DemoCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            RunCommand.class,
            CalibrateCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
