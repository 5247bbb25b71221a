package dev.kade.cli;

import dev.kade.lifecycle.Promotion;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kade promote}: the shadow model becomes the serving one when a running kade's metrics meet the criteria. */
@Command(name = "promote", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make the shadow model (model.shadow.path) the serving model (model.path), if a running kade's "
                + "shadow metrics meet the criteria; the replaced model is kept as MODEL.previous for --rollback, and "
                + "every promotion and rollback is appended to MODEL.promotions.log. kade hot-reloads the new file and "
                + "counts the promotion (kade_model_promotions_total).",
            "Exit 0: done; 1: the criteria were not met (each failure named) or the files could not be replaced."})
public final class PromoteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL.onnx", description = "The serving model file (model.path).")
    Path model;

    @Option(names = "--shadow", paramLabel = "SHADOW.onnx", description = "The shadow model file (model.shadow.path).")
    Path shadow;

    @Option(names = "--metrics-url", paramLabel = "URL", description = "A running kade's metrics, e.g. http://kade:9404/metrics: "
            + "where the criteria are read.")
    URI metricsUrl;

    @Option(names = "--min-records", paramLabel = "N", defaultValue = "10000",
            description = "Records both models scored, at least (default: ${DEFAULT-VALUE}).")
    long minRecords;

    @Option(names = "--min-overlap", paramLabel = "SHARE", defaultValue = "0.5",
            description = "Alert overlap (kade_shadow_alert_overlap), at least (default: ${DEFAULT-VALUE}).")
    double minOverlap;

    @Option(names = "--min-rank-correlation", paramLabel = "R", defaultValue = "0.8",
            description = "Rank correlation of the scores (kade_shadow_rank_correlation), at least (default: ${DEFAULT-VALUE}).")
    double minRankCorrelation;

    @Option(names = "--max-alert-rate-ratio", paramLabel = "X", defaultValue = "1.5",
            description = "The shadow's would-be alerts over the serving model's on the same records, at most (default: ${DEFAULT-VALUE}).")
    double maxAlertRateRatio;

    @Option(names = "--force", description = "Promote without --metrics-url (no criteria checked; logged as such).")
    boolean force;

    @Option(names = "--rollback", description = "Put back the model the last promotion replaced (MODEL.previous).")
    boolean rollback;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (rollback) {
                Promotion.rollback(model, Clock.systemUTC().instant());
                out.println("rolled back: " + Promotion.previous(model) + " serves again at " + model + " (logged in "
                        + Promotion.log(model) + ")");
                return 0;
            }
            if (shadow == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--shadow is required to promote");
            }
            if (metricsUrl == null && !force) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "give --metrics-url to check the criteria, or --force to promote without them");
            }
            Optional<Promotion.Evidence> evidence = Optional.empty();
            if (metricsUrl != null) {
                Promotion.Evidence e = Promotion.Evidence.parse(scrape(metricsUrl));
                List<String> failures = new Promotion.Criteria(minRecords, minOverlap, minRankCorrelation, maxAlertRateRatio)
                        .failures(e);
                if (!failures.isEmpty()) {
                    failures.forEach(f -> err.println("kade promote: not promoted: " + f));
                    return 1;
                }
                evidence = Optional.of(e);
            }
            Promotion.promote(model, shadow, evidence, Clock.systemUTC().instant());
            out.println("promoted: " + shadow + " now serves at " + model + evidence.map(e -> " (shadow " + e.shadowVersion()
                    + ", " + (long) e.records() + " records compared)").orElse(" (forced, no criteria)")
                    + "; the replaced model is " + Promotion.previous(model));
            return 0;
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            err.println("kade promote: " + e.getMessage());
            return 1;
        }
    }

    private static String scrape(URI url) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + url + " answered " + r.statusCode());
        }
        return r.body();
    }
}
