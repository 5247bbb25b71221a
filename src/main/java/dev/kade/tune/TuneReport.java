package dev.kade.tune;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code kade tune} tried, as a table for people and as {@code MODEL.tune.json} for tools: per
 * candidate the criterion values, the validation loss, the training time and, with labels, the ROC-AUC.
 */
public final class TuneReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TuneReport() {
    }

    /** {@code dir/name.onnx} → {@code dir/name.tune.json}. */
    public static Path jsonFor(Path model) {
        String name = model.getFileName().toString();
        String base = name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
        return model.resolveSibling(base + ".tune.json");
    }

    /** The table: one line per candidate, the chosen one marked with {@code *}. */
    public static void printTable(TuneResult r, PrintWriter out) {
        boolean labelled = r.trials().stream().anyMatch(t -> !Double.isNaN(t.labelledAuc()));
        int width = Math.max(9, r.trials().stream().mapToInt(t -> t.candidate().name().length()).max().orElse(9));
        out.printf(Locale.ROOT, "ranked by %s%s%n", r.rankedBy().label(), r.rankedBy() == Criterion.LABELLED
                ? " on the labelled validation file" : " (" + r.heldOutRows() + " held-out normal rows against as many permuted and beyond-range rows)");
        String head = String.format(Locale.ROOT, "  #  %-" + width + "s  %9s  %8s  %8s%s  %10s  %8s", "candidate", "synthetic",
                "permuted", "beyond", labelled ? "  labelled" : "", "val loss", "train s");
        out.println(head);
        for (Trial t : r.trials()) {
            String mark = t.index() == r.chosen() ? "*" : " ";
            out.printf(Locale.ROOT, "%s%2d  %-" + width + "s  %9s  %8s  %8s%s  %10s  %8.1f%s%n", mark, t.index(), t.candidate().name(),
                    f(t.syntheticAuc()), f(t.permutedAuc()), f(t.beyondRangeAuc()), labelled ? String.format(Locale.ROOT, "  %8s", f(t.labelledAuc())) : "",
                    t.validationLoss() == t.validationLoss() ? String.format(Locale.ROOT, "%.5g", t.validationLoss()) : "-",
                    t.trainSeconds(), t.failure().map(m -> "  failed: " + m).orElse(""));
        }
        out.printf(Locale.ROOT, "chosen    #%d %s (%s %s); as kade train options: %s%n", r.chosen(), r.chosenTrial().candidate().name(),
                r.rankedBy().label(), f(r.chosenTrial().value(r.rankedBy())),
                r.chosenTrial().candidate().trainOptions(r.model().standardizer().width()));
    }

    /** Writes {@code MODEL.tune.json} and returns its path. */
    public static Path writeJson(TuneResult r, Path model, String data, long seed) {
        ObjectNode root = JSON.createObjectNode();
        root.put("data", data);
        root.put("model", model.toString());
        root.put("seed", seed);
        root.put("criterion", r.rankedBy().name().toLowerCase(Locale.ROOT));
        root.put("criterion_description", r.rankedBy().label());
        root.put("held_out_rows", r.heldOutRows());
        int features = r.model().standardizer().width();
        ArrayNode trials = root.putArray("candidates");
        for (Trial t : r.trials()) {
            ObjectNode n = trials.addObject();
            n.put("index", t.index());
            n.put("name", t.candidate().name());
            n.put("train_options", t.candidate().trainOptions(features));
            put(n, "synthetic_auc", t.syntheticAuc());
            put(n, "permuted_auc", t.permutedAuc());
            put(n, "beyond_range_auc", t.beyondRangeAuc());
            put(n, "labelled_roc_auc", t.labelledAuc());
            put(n, "validation_loss", t.validationLoss());
            n.put("train_seconds", t.trainSeconds());
            t.failure().ifPresent(m -> n.put("failure", m));
        }
        ObjectNode chosen = root.putObject("chosen");
        chosen.put("index", r.chosen());
        chosen.put("name", r.chosenTrial().candidate().name());
        chosen.put("train_options", r.chosenTrial().candidate().trainOptions(features));
        chosen.put("config", r.chosenConfig().toString());
        chosen.put("final_train_seconds", r.finalSeconds());
        root.put("total_train_seconds", r.totalTrainSeconds());
        Path file = jsonFor(model);
        try {
            JSON.writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    private static void put(ObjectNode n, String key, double v) {
        if (Double.isNaN(v)) {
            n.putNull(key);
        } else {
            n.put(key, v);
        }
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }
}
