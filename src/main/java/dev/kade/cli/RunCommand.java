package dev.kade.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the run command lands; exits 2 so nobody mistakes it for working. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Not built yet.")
public final class RunCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("kade run: not built yet");
        return 2;
    }
}
