package dev.kade.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kade rollback}: puts the champion that the last {@code kade promote} replaced back in the serving model's
 * place, and keeps the one it replaces as the previous (so a second rollback undoes the first). No criteria: going
 * back is always allowed. The running kade swaps by hot reload and counts it
 * ({@code kade_model_promotions_total{action="rollback"}}). With {@code --metrics-url}, waits until every instance
 * serves it. Exit 0 done, 1 not taken in time, 2 nothing to roll back to.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve the model the last 'kade promote' replaced again (one step back; again to undo).",
            "See docs/model-lifecycle.md, 'Promote and roll back'."})
public final class RollbackCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The serving model file (model.path).")
    Path model;

    @Option(names = "--previous", paramLabel = "FILE", description = "Where kade promote kept the replaced model (default: MODEL.previous).")
    Path previous;

    @Option(names = "--metrics-url", paramLabel = "URL", description = "A running instance's metrics page to wait for; repeatable.")
    List<URI> metricsUrls = new ArrayList<>();

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "How long every instance may take to serve it. Default: ${DEFAULT-VALUE}.")
    Duration wait;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path kept = previous != null ? previous : ModelSlots.defaultPrevious(model);
        if (!Files.isRegularFile(kept)) {
            err.println("kade rollback: no previous model at " + kept + " (kade promote keeps one there)");
            return 2;
        }
        String back = ModelSlots.version(kept);
        String replaced = Files.isRegularFile(model) ? ModelSlots.version(model) : "(none)";
        try {
            new ModelSlots(model, null, kept).rollback();
        } catch (UncheckedIOException e) {
            err.println("kade rollback: " + e.getMessage());
            return 1;
        }
        out.println("kade rollback: " + back + " copied back to " + model + "; " + replaced + " kept as " + kept);
        List<URI> behind = new MetricsPages(metricsUrls).awaitServing(back, wait);
        if (!behind.isEmpty()) {
            err.println("kade rollback: " + behind + " did not serve " + back + " within " + wait);
            return 1;
        }
        if (!metricsUrls.isEmpty()) {
            out.println("kade rollback: every instance serves " + back);
        }
        return 0;
    }
}
