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

    /**
     * Stack size of the thread that runs a command. ONNX Runtime's native initialisation overflows the
     * JVM's default 1 MB main-thread stack with kade's classpath (a SIGSEGV with no hs_err file, seen with
     * onnxruntime 1.29.0 on JDK 17); 2 MB suffices, 16 MB leaves room.
     */
    static final long COMMAND_STACK_BYTES = 16L << 20;

    public static void main(String[] args) throws InterruptedException {
        int[] exit = {1};
        Thread command = new Thread(null, () -> exit[0] = commandLine().execute(args), "kade-main", COMMAND_STACK_BYTES);
        command.start();
        command.join();
        System.exit(exit[0]);
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
