package dev.kade.cli;

import dev.kade.drift.PromotionCriteria;
import dev.kade.drift.ShadowEvidence;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kade promote}: makes the shadow model the serving one when the running instances' measurements meet the
 * criteria. It reads every instance's {@code /metrics} ({@link ShadowEvidence}), judges each criterion on each
 * ({@link PromotionCriteria}) and refuses, naming every unmet criterion, unless all pass; then it keeps the serving
 * file as the previous champion, puts the shadow file in its place ({@link ModelSlots}) and waits until every instance
 * serves the shadow's version. The swap itself is the running kade's hot reload; a promotion this command made is
 * counted there ({@code kade_model_promotions_total{action="promote"}}). When an instance does not take the new model
 * in time (it refused it), the previous file is put back. Exit 0 promoted, 1 refused or not taken, 2 bad options.
 */
@Command(name = "promote", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make the shadow model the serving model, if the running kade's shadow metrics meet the criteria.",
            "Keeps the replaced model for 'kade rollback'. See docs/model-lifecycle.md, 'Promote and roll back'."})
public final class PromoteCommand implements Callable<Integer> {
    static final int EXIT_REFUSED = 1;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "The serving model file (model.path).")
    Path model;

    @Option(names = "--shadow", required = true, paramLabel = "FILE", description = "The shadow model file (model.shadow.path).")
    Path shadow;

    @Option(names = "--previous", paramLabel = "FILE", description = "Where the replaced model is kept (default: MODEL.previous).")
    Path previous;

    @Option(names = "--metrics-url", required = true, paramLabel = "URL",
            description = "A running instance's metrics page, e.g. http://kade-0:9400/metrics; repeat for each instance.")
    List<URI> metricsUrls = new ArrayList<>();

    @Option(names = PromotionCriteria.RANK_CORRELATION, paramLabel = "R", defaultValue = "0.8",
            description = "Least Spearman rank correlation of the two models' scores (-1..1, -1: any). Default: ${DEFAULT-VALUE}.")
    double minRankCorrelation;

    @Option(names = PromotionCriteria.ALERT_OVERLAP, paramLabel = "SHARE", defaultValue = "0.5",
            description = "Least share of would-be alerts both models share (0..1). Default: ${DEFAULT-VALUE}.")
    double minAlertOverlap;

    @Option(names = PromotionCriteria.ALERT_RATE, paramLabel = "SHARE", defaultValue = "0.05",
            description = "Most records the shadow may alert on, as a share (0..1). Default: ${DEFAULT-VALUE}.")
    double maxAlertRate;

    @Option(names = PromotionCriteria.RECORDS, paramLabel = "N", defaultValue = "5000",
            description = "Least records both models scored since they were paired. Default: ${DEFAULT-VALUE}.")
    long minRecords;

    @Option(names = PromotionCriteria.AGE, paramLabel = "DURATION", defaultValue = "1h", converter = DurationConverter.class,
            description = "Least time in shadow beside this serving model (30m, 2h, PT1H). Default: ${DEFAULT-VALUE}.")
    Duration minAge;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "How long every instance may take to serve the promoted model. Default: ${DEFAULT-VALUE}.")
    Duration wait;

    @Option(names = "--dry-run", description = "Judge the criteria and change nothing.")
    boolean dryRun;

    @Spec
    CommandSpec spec;
    /** What "now" is for --min-age; tests replace it. */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PromotionCriteria criteria;
        try {
            criteria = new PromotionCriteria(minRankCorrelation, minAlertOverlap, maxAlertRate, minRecords, minAge);
        } catch (IllegalArgumentException e) {
            err.println("kade promote: " + e.getMessage());
            return 2;
        }
        if (!Files.isRegularFile(shadow)) {
            err.println("kade promote: no shadow model file " + shadow);
            return 2;
        }
        ModelSlots slots = new ModelSlots(model, shadow, previous != null ? previous : ModelSlots.defaultPrevious(model));
        String candidate;
        try {
            candidate = ModelSlots.version(shadow);
        } catch (RuntimeException e) {
            err.println("kade promote: the shadow model file " + shadow + " does not load: " + e.getMessage());
            return EXIT_REFUSED;
        }
        MetricsPages pages = new MetricsPages(metricsUrls);
        List<String> refusals = new ArrayList<>();
        String serving = null;
        for (URI url : pages.urls()) {
            try {
                ShadowEvidence evidence = pages.read(url);
                serving = evidence.servingVersion();
                criteria.unmet(evidence, candidate, clock.instant()).forEach(why -> refusals.add(url + ": " + why));
            } catch (IOException e) {
                refusals.add(url + ": cannot read it: " + e.getMessage());
            }
        }
        if (!refusals.isEmpty()) {
            err.println("kade promote: refused to promote shadow " + candidate + ":");
            refusals.forEach(r -> err.println("  " + r));
            return EXIT_REFUSED;
        }
        if (dryRun) {
            out.println("kade promote: shadow " + candidate + " meets every criterion on " + pages.urls().size()
                    + " instance(s); --dry-run: nothing changed");
            return 0;
        }
        try {
            slots.promote();
        } catch (UncheckedIOException e) {
            err.println("kade promote: " + e.getMessage());
            return EXIT_REFUSED;
        }
        out.println("kade promote: " + shadow + " (version " + candidate + ") copied to " + model + "; the replaced "
                + serving + " kept as " + slots.previous());
        List<URI> behind = pages.awaitServing(candidate, wait);
        if (!behind.isEmpty()) {
            ModelSlots.place(slots.previous(), model);
            err.println("kade promote: " + behind + " did not serve " + candidate + " within " + wait + " (refused? see "
                    + "kade_model_loads_total{result=\"failure\"} and its log); " + serving + " put back in " + model);
            return EXIT_REFUSED;
        }
        out.println("kade promote: every instance serves " + candidate + " (was " + serving + "); undo with kade rollback --model "
                + model + " --previous " + slots.previous());
        return 0;
    }
}
