package dev.kade.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: only wires subcommands; each subcommand owns its options and its work. */
@Command(
        name = "kade",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Kafka Anomaly Detection Engine: train an autoencoder, score a Kafka stream, alert on anomalies.")
public final class Main implements Runnable {

    /**
     * The demo command, present only in {@code kade-demo.jar} (and on the test class path) together with the
     * Kafka broker it starts; the production jar leaves both out, so it is looked up by name.
     */
    static final String DEMO_COMMAND = "dev.kade.demo.DemoCommand";
    /** A broker class the demo needs; checked too, in case someone builds a class path with one and not the other. */
    static final String BROKER_CLASS = "kafka.server.KafkaRaftServer";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        return commandLine(demoCommand());
    }

    /** The command line with {@code demo} bound to {@code demo}: the real command or {@link DemoUnavailable}. */
    static CommandLine commandLine(Object demo) {
        CommandLine cl = new CommandLine(new Main());
        cl.addSubcommand("demo", demo);
        cl.addSubcommand("train", new TrainCommand());
        cl.addSubcommand("tune", new TuneCommand());
        cl.addSubcommand("evaluate", new EvaluateCommand());
        cl.addSubcommand("run", new RunCommand());
        cl.addSubcommand("topics", new TopicsCommand());
        cl.addSubcommand("calibrate", new CalibrateCommand());
        cl.addSubcommand("sample", new SampleCommand());
        cl.addSubcommand("backtest", new BacktestCommand());
        cl.addSubcommand("promote", new PromoteCommand());
        cl.addSubcommand("rollback", new RollbackCommand());
        cl.addSubcommand("help", new CommandLine.HelpCommand());
        return cl.setCaseInsensitiveEnumValuesAllowed(true);
    }

    /** The demo command if this class path has it and its broker, else the stand-in that explains where it is. */
    static Object demoCommand() {
        ClassLoader loader = Main.class.getClassLoader();
        try {
            Class.forName(BROKER_CLASS, false, loader);
            return Class.forName(DEMO_COMMAND, true, loader).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            return new DemoUnavailable();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + DEMO_COMMAND, e);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
