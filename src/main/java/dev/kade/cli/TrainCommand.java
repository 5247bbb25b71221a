package dev.kade.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the train command lands; exits 2 so nobody mistakes it for working. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Not built yet.")
public final class TrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("kade train: not built yet");
        return 2;
    }
}
