package dev.kade.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the evaluate command lands; exits 2 so nobody mistakes it for working. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Not built yet.")
public final class EvaluateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("kade evaluate: not built yet");
        return 2;
    }
}
