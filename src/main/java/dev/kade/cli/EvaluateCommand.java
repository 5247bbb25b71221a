package dev.kade.cli;

import dev.kade.eval.Evaluation;
import dev.kade.eval.Evaluator;
import dev.kade.eval.FoldMetrics;
import dev.kade.eval.Report;
import dev.kade.features.DataSetException;
import dev.kade.features.ImputationPolicy;
import dev.kade.model.InvalidModelException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kade evaluate}: score labelled data through ONNX Runtime and report detection quality. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score labelled data with a model through ONNX Runtime (the stream's code path) and print ROC-AUC, "
                + "PR-AUC and precision/recall/F1 at the model's threshold.",
            "Adds ROC and PR curves to MODEL.report.html."})
public final class EvaluateCommand implements Callable<Integer> {

    /** Output formats. */
    enum Format { JSON, TEXT }

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL.onnx", description = "Model to evaluate.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Labelled data: .csv (header) or .jsonl.")
    Path data;

    @Option(names = "--label-column", defaultValue = "label", paramLabel = "NAME", description = "0/1 column, 1 = anomaly (default: ${DEFAULT-VALUE}).")
    String labelColumn;

    @Option(names = "--format", defaultValue = "text", paramLabel = "json|text", description = "Output format (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--imputation", defaultValue = "fail", paramLabel = "fail|mean|drop-row", converter = TrainingDataOptions.ImputationConverter.class,
            description = "What to do with a missing or non-numeric value (default: ${DEFAULT-VALUE}).")
    ImputationPolicy imputation;

    @Option(names = "--no-report", description = "Do not update MODEL.report.html.")
    boolean noReport;

    @Option(names = "--cv", paramLabel = "K", description = "Also report mean ± sd of ROC-AUC and PR-AUC over K stratified folds of the data "
            + "(how much the figures depend on the sample; the model is not retrained).")
    Integer cv;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Evaluation e;
        try {
            e = Evaluator.evaluate(model, data, labelColumn, imputation);
        } catch (DataSetException | InvalidModelException ex) {
            err.println("kade evaluate: " + ex.getMessage());
            return 1;
        }
        FoldMetrics folds = null;
        if (cv != null) {
            try {
                folds = FoldMetrics.of(e.scores(), e.labels(), cv);
            } catch (IllegalArgumentException ex) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), ex.getMessage(), ex);
            }
        }
        e.warning().ifPresent(w -> {
            err.println("kade evaluate: warning: " + w);
            err.flush();
        });
        Path report = noReport ? null : Report.writeEvaluation(e, model);
        if (format == Format.JSON) {
            var json = e.toJson();
            if (folds != null) {
                json.set("cv", folds.toJson());
            }
            if (report != null) {
                json.put("report", report.toString());
            }
            out.println(json.toString());
        } else {
            var m = e.metrics();
            e.warning().ifPresent(w -> out.printf(Locale.ROOT, "WARNING   %s%n", w));
            out.printf(Locale.ROOT, "rows %d, anomalies %d%n", m.n(), m.anomalies());
            var oneClass = m.oneClass();
            if (oneClass.isPresent()) {
                out.printf(Locale.ROOT, "ROC-AUC   n/a%nPR-AUC    n/a (%s)%n", oneClass.get());
            } else {
                out.printf(Locale.ROOT, "ROC-AUC   %.4f%nPR-AUC    %.4f%n", m.rocAuc(), m.prAuc());
            }
            int flagged = m.truePositives() + m.falsePositives();
            if (m.anomalies() == 0) {
                out.printf(Locale.ROOT, "threshold %.6g: flagged %d of %d normal rows, false-alarm rate %.4f%n",
                        m.threshold(), flagged, m.n(), m.falseAlarmRate());
            } else {
                out.printf(Locale.ROOT, "threshold %.6g: flagged %d, precision %.4f, recall %.4f, F1 %.4f%n",
                        m.threshold(), flagged, m.precision(), m.recall(), m.f1());
            }
            var json = e.toJson();
            out.printf(Locale.ROOT, "scores    p50 %.4g, p90 %.4g, p99 %.4g, p99.9 %.4g, max %.4g%n",
                    json.get("score_p50").asDouble(), json.get("score_p90").asDouble(), json.get("score_p99").asDouble(),
                    json.get("score_p999").asDouble(), json.get("score_max").asDouble());
            if (folds != null) {
                out.printf(Locale.ROOT, "cv %d folds: ROC-AUC %.4f ± %.4f, PR-AUC %.4f ± %.4f%n", folds.folds(),
                        folds.rocAucMean(), folds.rocAucSd(), folds.prAucMean(), folds.prAucSd());
            }
            if (report != null) {
                out.printf(Locale.ROOT, "report    %s%n", report);
            }
        }
        out.flush();
        return 0;
    }
}
