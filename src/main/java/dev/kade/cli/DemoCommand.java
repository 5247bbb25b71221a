package dev.kade.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the demo command lands; exits 2 so nobody mistakes it for working. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Not built yet.")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("kade demo: not built yet");
        return 2;
    }
}
