package dev.kade.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's one HTML page, rebuilt from the summaries and charts that {@link Report}'s steps leave in the
 * model's report folder: self-contained (charts inlined), so it can be mailed or attached to a ticket.
 */
final class ReportHtml {
    private ReportHtml() {
    }

    /** The top-anomalies part of a section, from {@code PREFIX.json}; empty when the step did not write one. */
    private static String topSection(Path dir, String prefix, String title) {
        JsonNode top = Report.readJson(dir.resolve(prefix + ".json"));
        if (top == null) {
            return "";
        }
        StringBuilder h = new StringBuilder("<h3 id=\"").append(prefix).append("\">").append(esc(title)).append(": ")
                .append(esc(top.path("source").asText())).append("</h3>\n");
        if (top.has("absent")) {
            return h.append("<p class=\"absent\">Not drawn: ").append(esc(top.get("absent").asText())).append("</p>\n").toString();
        }
        h.append("<p>Each chart puts a row's input (blue) beside the model's reconstruction of it, feature by feature, on one "
                + "standardised scale (median and IQR/1.349 of the rows); where the two bars differ is where the model "
                + "did not expect the value. The table lists the features with the largest errors.</p>\n");
        List<String> names = TopAnomalies.features(top);
        int k = 0;
        for (JsonNode r : top.path("rows")) {
            h.append("<div class=\"row top-anomaly\" data-row=\"").append(r.get("index").asInt()).append("\">")
                    .append(img(dir, prefix + "-" + k + ".png", "input and reconstruction of row " + r.get("index").asInt()))
                    .append(errorTable(names, r)).append("</div>\n");
            k++;
        }
        return h.toString();
    }

    /** The row's features with the largest errors: input, reconstruction, error and share of the row's total error. */
    private static String errorTable(List<String> names, JsonNode r) {
        int f = names.size();
        double[] e = new double[f];
        double total = 0;
        for (int j = 0; j < f; j++) {
            e[j] = r.path("feature_errors").path(j).asDouble();
            total += Math.max(0, e[j]);
        }
        Integer[] order = new Integer[f];
        for (int j = 0; j < f; j++) {
            order[j] = j;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(e[b], e[a]));
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
                "<table><tr><th colspan=\"5\">row %d, score %.4g%s</th></tr>"
                        + "<tr><th>feature</th><th>input</th><th>reconstruction</th><th>error</th><th>share</th></tr>\n",
                r.get("index").asInt(), r.get("score").asDouble(), r.has("label") ? ", label " + r.get("label").asInt() : ""));
        for (int k = 0; k < Math.min(5, f); k++) {
            int j = order[k];
            t.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.5g</td><td>%.5g</td><td>%.4g</td><td>%.0f%%</td></tr>\n",
                    esc(names.get(j)), r.path("input").path(j).asDouble(), r.path("reconstruction").path(j).asDouble(), e[j],
                    total > 0 ? 100 * Math.max(0, e[j]) / total : 0));
        }
        return t.append("</table>").toString();
    }

    /** Rebuilds the HTML from the summaries present. */
    static Path render(Path modelFile) {
        Path dir = Report.assetsFor(modelFile);
        StringBuilder html = new StringBuilder();
        html.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>kade report: ")
                .append(esc(modelFile.getFileName().toString())).append("</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;max-width:1500px;margin:2em auto;padding:0 1em;color:#222}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}")
                .append("th{background:#f4f4f4}img{max-width:100%;border:1px solid #eee;margin:4px}.row{display:flex;flex-wrap:wrap}")
                .append(".top-anomaly{align-items:flex-start;gap:1em}")
                .append("</style></head><body>\n<h1>kade report: ").append(esc(modelFile.getFileName().toString())).append("</h1>\n");
        JsonNode training = Report.readJson(dir.resolve("training.json"));
        if (training != null) {
            html.append("<h2>Training</h2>\n").append(table(training, "config"));
            if (training.path("settings").isObject()) {
                html.append("<h3>Settings</h3>\n").append(table(training.path("settings")));
            }
            html.append("<div class=\"row\">")
                    .append(img(dir, "loss.png", "loss curves")).append(img(dir, "training-scores.png", "validation score histogram"))
                    .append("</div>\n<p>The threshold (red) is what the table's threshold_rule row says; a score at or above it is an anomaly."
                            + (training.has("members") ? " In the loss chart, a diamond marks the epoch each member kept." : "")
                            + " A histogram draws up to the 0.99 quantile of its normal rows (at least twice the threshold's distance);"
                            + " higher scores are counted in its last bin, as its title says.</p>\n")
                    .append(topSection(dir, Report.TRAINING_TOP, "Top anomalies"));
        }
        JsonNode eval = Report.readJson(dir.resolve("evaluation.json"));
        if (eval != null) {
            html.append("<h2>Evaluation</h2>\n");
            eval.path("warnings").forEach(w -> html.append("<p style=\"color:#a40000\"><strong>Warning:</strong> ")
                    .append(esc(w.asText())).append("</p>\n"));
            html.append(table(eval));
            boolean curves = !eval.path("roc_auc").isNull();
            if (!curves) {
                html.append("<p class=\"no-curves\">No ROC or precision-recall curve: ")
                        .append(esc(eval.path("curves_unavailable").asText("the labels hold one class only"))).append(".</p>\n");
            }
            html.append("<div class=\"row\">");
            if (curves) {
                html.append(img(dir, "roc.png", "ROC curve")).append(img(dir, "pr.png", "precision-recall curve"));
            }
            html.append(img(dir, "evaluation-scores.png", "score histogram by label")).append("</div>\n")
                    .append(topSection(dir, Report.EVALUATION_TOP, "Top anomalies"));
        } else {
            html.append("<p>Run <code>kade evaluate --model ").append(esc(modelFile.getFileName().toString()))
                    .append(" --data LABELLED.csv</code> to add ROC and precision-recall curves.</p>\n");
        }
        html.append("</body></html>\n");
        Path out = Report.htmlFor(modelFile);
        try {
            Files.writeString(out, html.toString(), StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write report " + out, ex);
        }
        return out;
    }

    private static String table(JsonNode node, String... leaveOut) {
        StringBuilder t = new StringBuilder("<table>\n");
        List<String> skip = List.of(leaveOut);
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (v.isContainerNode() || skip.contains(e.getKey())) {
                continue; // lists (warnings) are shown on their own
            }
            String text = v.isNull() ? "n/a" : v.isFloatingPointNumber() ? String.format(Locale.ROOT, "%.6g", v.doubleValue()) : v.asText();
            t.append("<tr><th>").append(esc(e.getKey())).append("</th><td>").append(esc(text)).append("</td></tr>\n");
        }
        return t.append("</table>\n").toString();
    }

    /**
     * The chart inlined as a base64 data URI, so the HTML is one self-contained file that can be mailed or attached
     * to a ticket; the PNG stays in the folder too (title names it).
     */
    private static String img(Path dir, String file, String alt) {
        byte[] png;
        try {
            png = Files.readAllBytes(dir.resolve(file));
        } catch (IOException e) {
            return "<p>(" + esc(file) + " is missing: " + esc(String.valueOf(e.getMessage())) + ")</p>";
        }
        return "<img title=\"" + esc(file) + "\" alt=\"" + esc(alt) + "\" src=\"data:image/png;base64,"
                + java.util.Base64.getEncoder().encodeToString(png) + "\">";
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
