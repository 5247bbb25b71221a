package dev.kade.cli;

import dev.kade.app.StreamsSetup;
import dev.kade.backtest.Backtest;
import dev.kade.config.ConfigException;
import dev.kade.config.KadeConfig;
import dev.kade.features.DataSetException;
import dev.kade.model.InvalidModelException;
import dev.kade.onnx.OnnxModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kade backtest}: what {@code kade run} would have scored and alerted on recorded data, before deploying.
 * The data goes through the stream's own topology ({@link Backtest}): the same processor, entity state, policies
 * and likelihood, with settings given as for {@code run} ({@code -s series.late=dead_letter}).
 */
@Command(name = "backtest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replay recorded data through the scoring topology that run uses (no broker) and write every score, "
                + "then print what would have alerted and how often.",
            "Long-format data: one row per entity and time step; the entity becomes the record key and the time the record "
                    + "timestamp, as a producer keyed by entity would send them."})
public final class BacktestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL.onnx", description = "Model to replay the data through.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Recorded data: .csv (header) or .jsonl.")
    Path data;

    @Option(names = "--entity-column", paramLabel = "NAME", description = "Column naming each row's entity (default: one entity).")
    String entityColumn;

    @Option(names = "--time-column", paramLabel = "NAME", description = "Column holding each row's time, ISO-8601 or epoch "
            + "seconds/millis (default: file order, one second apart).")
    String timeColumn;

    @Option(names = "--out", paramLabel = "FILE", description = "Where every score goes (default: DATA.scores.csv or .jsonl).")
    Path out;

    @Option(names = "--format", defaultValue = "csv", paramLabel = "csv|jsonl", description = "Output format (default: ${DEFAULT-VALUE}).")
    Backtest.Format format;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "A run setting, e.g. -s series.late=dead_letter "
            + "-s series.idle.expiry.ms=0.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        KadeConfig config;
        try {
            Map<String, String> m = new LinkedHashMap<>(Map.of("bootstrap.servers", "backtest:9092", "input.topics",
                    Backtest.INPUT, "model.path", model.toString()));
            m.putAll(settings);
            config = KadeConfig.fromMap(m);
        } catch (ConfigException e) {
            err.println("kade backtest: invalid setting " + e.getMessage());
            return 2;
        }
        Path target = out != null ? out : Path.of(data + (format == Backtest.Format.CSV ? ".scores.csv" : ".scores.jsonl"));
        Backtest.Summary summary;
        try {
            summary = Backtest.run(OnnxModel.load(model), StreamsSetup.series(config), config.alertTopFeatures(),
                    config.batchMaxRecords(), new Backtest.Options(data, Optional.ofNullable(entityColumn),
                            Optional.ofNullable(timeColumn), target, format));
        } catch (DataSetException | InvalidModelException e) {
            err.println("kade backtest: " + e.getMessage());
            return 1;
        }
        stdout.print(summary.describe());
        stdout.println("scores written to " + target);
        stdout.flush();
        return 0;
    }
}
