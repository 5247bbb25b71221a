package dev.kade.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kade.train.TrainedEnsemble;
import dev.kade.train.TrainedModel;
import dev.kade.train.TrainingHistory;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report beside a model: {@code MODEL.report.html}, one self-contained file with its PNG charts (xchart)
 * inlined; {@code MODEL.report/} keeps the PNGs and the JSON summaries the HTML is rebuilt from.
 *
 * <p>{@code train} writes the loss curves and the validation score histogram with the threshold;
 * {@code evaluate} adds ROC and PR curves and the score histogram of the labelled data. Each step leaves a
 * JSON summary in the folder, and the HTML is rebuilt from whatever summaries are there, so evaluating
 * again replaces the evaluation section and keeps the training one.
 */
public final class Report {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Report() {
    }

    /** {@code dir/name.onnx} → {@code dir/name.report.html}. */
    public static Path htmlFor(Path model) {
        return model.resolveSibling(baseName(model) + ".report.html");
    }

    /** Folder holding the charts and summaries. */
    public static Path assetsFor(Path model) {
        return model.resolveSibling(baseName(model) + ".report");
    }

    /** Writes the training section (loss curves, validation score histogram) and rebuilds the HTML. */
    public static Path writeTraining(TrainedModel model, Path modelFile) {
        return writeTraining(TrainedEnsemble.of(model), modelFile);
    }

    /**
     * Writes the training section and rebuilds the HTML: loss curves (per member for an ensemble), the
     * histogram of the (combined) validation scores with the threshold, and a JSON summary.
     */
    public static Path writeTraining(TrainedEnsemble model, Path modelFile) {
        return writeTraining(model, modelFile, null);
    }

    /**
     * As {@link #writeTraining(TrainedEnsemble, Path)}, plus the top anomalies among the validation rows of
     * {@code data} (the data the model was trained on, split as the trainer split it): each drawn beside the
     * model's reconstruction. Without {@code data} that part is left out.
     */
    public static Path writeTraining(TrainedEnsemble model, Path modelFile, dev.kade.features.DataSet data) {
        System.setProperty("java.awt.headless", "true");
        Path dir = assets(modelFile);
        if (data != null) {
            int[] val = dev.kade.train.DataSplit.of(data.size(), model.config()).validation();
            float[][] rows = new float[val.length][];
            for (int i = 0; i < val.length; i++) {
                rows[i] = data.rows()[val[i]];
            }
            writeTop(dir, TRAINING_TOP, TopAnomalies.of(model, rows, model.scoreValues(rows), null, val,
                    TopAnomalies.DEFAULT_COUNT, "validation rows of " + data.source()));
        }
        boolean single = model.size() == 1;
        // an ensemble's 2 lines per member get a legend beside the plot, never over epochs; the kept epoch is
        // a diamond on each validation line, explained in the caption instead of one legend entry per member
        XYChart loss = ReportCharts.chart("Loss per epoch", "epoch", "loss (log scale)",
                single ? ReportCharts.WIDTH : ReportCharts.WIDTH + 170, Math.max(ReportCharts.HEIGHT, 60 + 19 * 2 * model.size()));
        if (!single) {
            loss.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        }
        loss.getStyler().setXAxisDecimalPattern("0");
        double lossMin = Double.POSITIVE_INFINITY;
        double lossMax = 0;
        for (int k = 0; k < model.size(); k++) {
            TrainedModel m = model.members().get(k);
            TrainingHistory h = m.history();
            String p = single ? "" : "m" + k + " " + m.network().kind().label() + " ";
            double[] epochs = new double[h.epochs()];
            for (int i = 0; i < epochs.length; i++) {
                epochs[i] = i + 1;
            }
            double[] train = toArray(h.trainLoss());
            double[] val = toArray(h.validationLoss());
            for (double[] series : new double[][] {train, val}) {
                for (double v : series) {
                    if (v > 0 && Double.isFinite(v)) {
                        lossMin = Math.min(lossMin, v);
                        lossMax = Math.max(lossMax, v);
                    }
                }
            }
            ReportCharts.line(loss, p + "training", epochs, train);
            ReportCharts.line(loss, p + "validation", epochs, val);
            XYSeries kept = loss.addSeries(p + "kept (epoch " + h.bestEpoch() + ")", new double[] {h.bestEpoch()},
                    new double[] {h.bestValidationLoss()});
            kept.setMarker(SeriesMarkers.DIAMOND);
            kept.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            kept.setShowInLegend(single);
        }
        ReportCharts.logYAxis(loss, lossMin, lossMax);
        ReportCharts.save(loss, dir.resolve("loss.png"));

        double threshold = model.metadata().threshold();
        double[] valScores = model.validationScores();
        XYChart hist = ReportCharts.chart("Validation scores (held-out normal rows)", ReportCharts.scoreAxis(valScores, threshold), "rows");
        ReportCharts.histogram(hist, "validation", valScores, threshold, null);
        ReportCharts.save(hist, dir.resolve("training-scores.png"));

        TrainingHistory h = model.members().get(0).history();
        ObjectNode s = JSON.createObjectNode();
        s.put("kind", model.metadata().kind().label());
        s.put("version", model.metadata().version());
        s.put("created_at", model.metadata().createdAt().toString());
        s.put("features", String.join(", ", model.metadata().features()));
        s.put("training_fingerprint", model.metadata().fingerprint());
        s.put("threshold", threshold);
        s.put("threshold_quantile", model.config().thresholdQuantile());
        s.put("threshold_rule", model.config().thresholdRule().describe(valScores, model.config().thresholdQuantile()));
        s.put("validation_rows", valScores.length);
        if (single) {
            s.put("epochs_run", h.epochs());
            s.put("kept_epoch", h.bestEpoch());
            s.put("stopped_early", h.stoppedEarly());
            s.put("best_validation_loss", h.bestValidationLoss());
            s.put("seconds_per_epoch", h.meanEpochSeconds());
        } else {
            StringBuilder members = new StringBuilder();
            for (int k = 0; k < model.size(); k++) {
                TrainedModel m = model.members().get(k);
                members.append(k == 0 ? "" : "; ").append(String.format(Locale.ROOT, "m%d %s: %d epochs, kept %d",
                        k, m.network().kind().label(), m.history().epochs(), m.history().bestEpoch()));
            }
            s.put("members", model.size());
            s.put("member_training", members.toString());
        }
        StringBuilder architecture = new StringBuilder();
        for (int k = 0; k < model.size(); k++) {
            architecture.append(k == 0 ? "" : "; ").append(single ? "" : "m" + k + " ")
                    .append(architecture(model.members().get(k).network()));
        }
        s.put("architecture", architecture.toString());
        s.put("parameters", model.parameterCount());
        s.put("config", model.config().toString()); // machine-readable (tune compares it); the HTML shows settings
        s.set("settings", settings(model.config(), model.size()));
        writeJson(dir.resolve("training.json"), s);
        return render(modelFile);
    }

    /**
     * The training settings as {@code kade train} options with their values, for the report's settings
     * table (the raw {@code TrainConfig[...]} text read like a stack dump). "auto" where kade chose from
     * the data's width.
     */
    static ObjectNode settings(dev.kade.train.TrainConfig c, int members) {
        ObjectNode o = JSON.createObjectNode();
        o.put("--kind", c.mixed() ? "mix (AE and VAE members in turn)" : c.kind().label());
        o.put("--ensemble", members == 1 ? "1 (a single network)" : members + " members");
        o.put("--hidden", c.hidden().isEmpty() ? "auto (2F, F)" : c.hidden().toString().replaceAll("[\\[\\] ]", ""));
        o.put("--latent-dim", c.latentDim() == 0 ? "auto (max(2, F/2))" : Integer.toString(c.latentDim()));
        o.put("--activation", c.activation().name().toLowerCase(Locale.ROOT));
        o.put("--epochs", c.epochs() + " at most; early stopping after "
                + (c.earlyStoppingPatience() == 0 ? "none (off)" : c.earlyStoppingPatience() + " epochs without improvement"));
        o.put("--batch-size", c.batchSize());
        o.put("--learning-rate", String.format(Locale.ROOT, "%.3g (Adam)", c.learningRate()));
        o.put("--weight-decay", c.weightDecay() == 0 ? "0 (off)" : String.format(Locale.ROOT, "%.3g", c.weightDecay()));
        o.put("--validation-split", String.format(Locale.ROOT, "%.3g of the rows, held out", c.validationSplit()));
        o.put("--threshold-rule", c.thresholdRule().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        o.put("--threshold-quantile", String.format(Locale.ROOT, "%.4g", c.thresholdQuantile()));
        if (c.kind() == dev.kade.model.ModelKind.VAE || c.mixed()) {
            o.put("--beta", String.format(Locale.ROOT, "%.3g (VAE members)", c.beta()));
        }
        o.put("--scaling", c.scaling().name().toLowerCase(Locale.ROOT));
        if (c.regularisation().codePenalty() > 0 || c.regularisation().inputNoise() > 0) {
            o.put("regularisation", String.format(Locale.ROOT, "code penalty %.3g, input noise %.3g",
                    c.regularisation().codePenalty(), c.regularisation().inputNoise()));
        }
        o.put("--seed", c.seed());
        return o;
    }

    /** Writes the evaluation section (ROC, PR, score histogram by label) and rebuilds the HTML. */
    public static Path writeEvaluation(Evaluation e, Path modelFile) {
        System.setProperty("java.awt.headless", "true");
        Path dir = assets(modelFile);
        if (e.metrics().oneClass().isEmpty()) {
            XYChart roc = ReportCharts.chart(String.format(Locale.ROOT, "ROC curve (AUC %.3f)", e.metrics().rocAuc()), "false positive rate", "true positive rate");
            ReportCharts.curve(roc, "model", Metrics.rocCurve(e.scores(), e.labels()));
            ReportCharts.unitAxes(roc);
            Metrics m = e.metrics();
            int negatives = m.falsePositives() + m.trueNegatives();
            double fpr = negatives == 0 ? 0 : (double) m.falsePositives() / negatives;
            ReportCharts.operatingPoint(roc, m.threshold(), fpr, m.recall());
            XYSeries chance = roc.addSeries("chance", new double[] {0, 1}, new double[] {0, 1});
            chance.setMarker(SeriesMarkers.NONE);
            chance.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
            chance.setLineColor(Color.GRAY);
            ReportCharts.save(roc, dir.resolve("roc.png"));

            XYChart pr = ReportCharts.chart(String.format(Locale.ROOT, "Precision-recall curve (average precision %.3f)", e.metrics().prAuc()), "recall", "precision");
            ReportCharts.curve(pr, "model", Metrics.prCurve(e.scores(), e.labels()));
            ReportCharts.unitAxes(pr);
            ReportCharts.operatingPoint(pr, m.threshold(), m.recall(), m.precision());
            double base = (double) e.metrics().anomalies() / e.metrics().n();
            XYSeries prior = pr.addSeries("anomaly share", new double[] {0, 1}, new double[] {base, base});
            prior.setMarker(SeriesMarkers.NONE);
            prior.setLineColor(Color.GRAY);
            ReportCharts.save(pr, dir.resolve("pr.png"));
        } else {
            // one class: no curve can be drawn; a curve left from an earlier evaluation must not be shown
            deleteQuietly(dir.resolve("roc.png"));
            deleteQuietly(dir.resolve("pr.png"));
        }
        XYChart hist = ReportCharts.chart("Scores of the evaluated data by label", ReportCharts.scoreAxis(e.scores(), e.metrics().threshold()), "rows");
        ReportCharts.histogram(hist, "normal (0)", e.scores(), e.metrics().threshold(), e.labels());
        ReportCharts.save(hist, dir.resolve("evaluation-scores.png"));

        if (e.top() != null) {
            writeTop(dir, EVALUATION_TOP, e.top());
        }
        ObjectNode s = e.toJson();
        writeJson(dir.resolve("evaluation.json"), s);
        return render(modelFile);
    }

    /** File prefix of the top anomalies among the validation rows ({@code train}). */
    static final String TRAINING_TOP = "training-top";
    /** File prefix of the top anomalies among the evaluated rows ({@code evaluate}). */
    static final String EVALUATION_TOP = "evaluation-top";

    /** {@code PREFIX.json} and one chart per row, {@code PREFIX-K.png}: input beside reconstruction, standardised. */
    private static void writeTop(Path dir, String prefix, TopAnomalies top) {
        writeJson(dir.resolve(prefix + ".json"), top.toJson());
        List<String> names = top.features();
        for (int k = 0; k < top.rows().size(); k++) {
            TopAnomalies.Row r = top.rows().get(k);
            // every feature labelled: one label per bar pair, rotated when there are many, and room below for them
            boolean many = names.size() > 8;
            int longest = names.stream().mapToInt(String::length).max().orElse(1);
            CategoryChart c = new CategoryChartBuilder().width(Math.max(ReportCharts.WIDTH, 120 + 22 * names.size()))
                    .height(ReportCharts.HEIGHT + (many ? 6 * Math.min(longest, 40) : 0))
                    .title(String.format(Locale.ROOT, "Row %d: score %.4g%s", r.index(), r.score(),
                            r.label() < 0 ? "" : " (label " + r.label() + ")"))
                    .xAxisTitle("feature").yAxisTitle("standardised value").build();
            c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS); // never over a bar
            c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
            c.getStyler().setXAxisLabelRotation(many ? 90 : 0);
            c.getStyler().setXAxisMaxLabelCount(names.size());
            c.getStyler().setXAxisTickMarkSpacingHint(1);
            c.getStyler().setAxisTickLabelsFont(c.getStyler().getAxisTickLabelsFont().deriveFont(many ? 10f : 12f));
            c.getStyler().setYAxisDecimalPattern("0.##");
            List<Double> in = new java.util.ArrayList<>();
            List<Double> out = new java.util.ArrayList<>();
            for (int j = 0; j < names.size(); j++) {
                in.add(top.standardised(j, r.input()[j]));
                out.add(top.standardised(j, r.reconstruction()[j]));
            }
            c.addSeries("input", names, in);
            c.addSeries("reconstruction", names, out);
            ReportCharts.save(c, dir.resolve(prefix + "-" + k + ".png"));
        }
    }

    /** Rebuilds the HTML from the summaries present ({@link ReportHtml}). */
    public static Path render(Path modelFile) {
        return ReportHtml.render(modelFile);
    }

    /** The layer sizes as trained, e.g. {@code 6 → 12 → 6 → 3 → 6 → 12 → 6 (relu; linear bottleneck and output)}. */
    static String architecture(dev.kade.train.Network network) {
        List<Integer> hidden;
        int latent;
        String activation;
        String extra = "";
        if (network instanceof dev.kade.train.Autoencoder a) {
            hidden = a.hidden();
            latent = a.latent();
            activation = a.activation().name().toLowerCase(Locale.ROOT);
        } else if (network instanceof dev.kade.train.VariationalAutoencoder v) {
            hidden = v.hidden();
            latent = v.latent();
            activation = v.activation().name().toLowerCase(Locale.ROOT);
            extra = String.format(Locale.ROOT, "; Gaussian latent, beta %.3g", v.beta());
        } else {
            return network.kind().label();
        }
        StringBuilder b = new StringBuilder().append(network.inputs());
        hidden.forEach(h -> b.append(" → ").append(h));
        b.append(" → ").append(latent);
        for (int i = hidden.size() - 1; i >= 0; i--) {
            b.append(" → ").append(hidden.get(i));
        }
        b.append(" → ").append(network.inputs());
        return b.append(" (").append(activation).append("; linear bottleneck and output").append(extra).append(')').toString();
    }

    @SuppressWarnings("deprecation") // xchart 4.0.3 deprecates every saveBitmap overload without a replacement yet
    private static Path assets(Path modelFile) {
        Path dir = assetsFor(modelFile);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create report folder " + dir, e);
        }
        return dir;
    }

    private static void writeJson(Path file, JsonNode node) {
        try {
            JSON.writeValue(file.toFile(), node);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove stale chart " + file, e);
        }
    }

    static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String baseName(Path model) {
        String name = model.getFileName().toString();
        return name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
    }

    private static double[] toArray(List<Double> values) {
        double[] a = new double[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return a;
    }
}
