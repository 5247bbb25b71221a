package dev.kade.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One in-process run of the {@code kade} command line ({@link Main#commandLine()}): exit code, stdout and stderr. Public
 * so the integration tests of other packages run kade through the same entry point as a user does.
 */
public record CliRun(int exit, String out, String err) {

    public static CliRun execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }
}
