package dev.kade.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kade.model.ModelContract;
import dev.kade.model.Scorer;
import dev.kade.train.Standardizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * The highest-scoring rows of a data set beside the model's reconstruction of each, feature by feature:
 * looking at what an autoencoder "expected" a record to be is how users judge it. Input and reconstruction
 * are kept in raw units, and also put on one standardised scale for the chart (median and IQR/1.349 of
 * the rows examined, the same robust scaling training uses by default), so that features of different
 * units can be compared on one axis.
 *
 * @param source      what the rows are ("evaluated rows of X", "validation rows")
 * @param features    feature names in column order
 * @param center      per-feature centre of the chart's scale
 * @param scale       per-feature spread of the chart's scale
 * @param rows        the top rows, highest score first; empty when {@code absent} says why
 * @param absent      why there are no rows (the model has no reconstruction), or null
 */
public record TopAnomalies(String source, List<String> features, float[] center, float[] scale, List<Row> rows, String absent) {
    /** Rows shown by default. */
    public static final int DEFAULT_COUNT = 5;

    /**
     * One examined row.
     *
     * @param index          the row's index in the data it came from (0-based, header not counted)
     * @param score          the model's score
     * @param label          0/1 when the data is labelled, else -1
     * @param input          raw feature values
     * @param reconstruction the model's reconstruction, raw units
     * @param featureErrors  the model's per-feature errors
     */
    public record Row(int index, double score, int label, float[] input, float[] reconstruction, float[] featureErrors) {
        /** Feature indices by error, largest first (ties in column order). */
        public int[] byError() {
            return IntStream.range(0, featureErrors.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer j) -> -featureErrors[j]).thenComparingInt(j -> j))
                    .mapToInt(Integer::intValue).toArray();
        }
    }

    public TopAnomalies {
        Objects.requireNonNull(source, "source");
        features = List.copyOf(features);
        rows = List.copyOf(rows);
    }

    /**
     * The {@code count} highest-scoring of {@code data} (ties by row order), reconstructed by {@code scorer}.
     *
     * @param scores  the scorer's scores of {@code data}, one per row
     * @param labels  0/1 per row, or null for unlabelled data
     * @param indices each row's index in the data it came from, or null when that is its position here
     */
    public static TopAnomalies of(Scorer scorer, float[][] data, double[] scores, int[] labels, int[] indices, int count,
                                  String source) {
        Objects.requireNonNull(scorer, "scorer");
        List<String> names = scorer.metadata().features();
        if (!scorer.hasReconstruction()) {
            return new TopAnomalies(source, names, new float[0], new float[0], List.of(), "model " + scorer.metadata().version()
                    + " has no '" + ModelContract.OUTPUT_RECONSTRUCTION + "' output (exported by an older kade, or a model "
                    + "with only the contract outputs), so there is no reconstruction to draw; re-export it with kade train");
        }
        if (data.length == 0) {
            return new TopAnomalies(source, names, new float[0], new float[0], List.of(), "no rows to examine");
        }
        int[] order = IntStream.range(0, data.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).limit(count).toArray();
        float[][] top = new float[order.length][];
        for (int k = 0; k < order.length; k++) {
            top[k] = data[order[k]];
        }
        float[][] recon = scorer.reconstruct(top);
        float[][] errors = scorer.score(top).featureErrors();
        List<Row> rows = new ArrayList<>();
        for (int k = 0; k < order.length; k++) {
            int i = order[k];
            rows.add(new Row(indices == null ? i : indices[i], scores[i], labels == null ? -1 : labels[i], top[k].clone(),
                    recon[k], errors[k]));
        }
        Standardizer chartScale = Standardizer.fit(data, IntStream.range(0, data.length).toArray(), Standardizer.Scaling.ROBUST);
        return new TopAnomalies(source, names, chartScale.center(), chartScale.scale(), rows, null);
    }

    /** The value on the chart's standardised scale. */
    public double standardised(int feature, float raw) {
        return (raw - center[feature]) / scale[feature];
    }

    /** The summary the report is rebuilt from. */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("source", source);
        if (absent != null) {
            o.put("absent", absent);
            return o;
        }
        o.set("features", f.arrayNode().addAll(features.stream().map(f::textNode).toList()));
        ArrayNode list = o.putArray("rows");
        for (Row r : rows) {
            ObjectNode n = list.addObject();
            n.put("index", r.index());
            n.put("score", r.score());
            if (r.label() >= 0) {
                n.put("label", r.label());
            }
            n.set("input", floats(r.input()));
            n.set("reconstruction", floats(r.reconstruction()));
            n.set("feature_errors", floats(r.featureErrors()));
            n.set("input_standardised", standardised(r.input()));
            n.set("reconstruction_standardised", standardised(r.reconstruction()));
        }
        return o;
    }

    private ArrayNode standardised(float[] raw) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (int j = 0; j < raw.length; j++) {
            a.add(standardised(j, raw[j]));
        }
        return a;
    }

    private static ArrayNode floats(float[] v) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (float x : v) {
            a.add(Double.parseDouble(Float.toString(x)));
        }
        return a;
    }

    /** Reads {@code features} of a summary written by {@link #toJson()} (for rendering). */
    static List<String> features(JsonNode summary) {
        List<String> names = new ArrayList<>();
        summary.path("features").forEach(n -> names.add(n.asText()));
        return names;
    }

    @Override
    public String toString() {
        return "TopAnomalies[" + source + ", " + rows.size() + " rows" + (absent == null ? "" : ", absent: " + absent) + ", "
                + Arrays.toString(rows.stream().mapToInt(Row::index).toArray()) + "]";
    }
}
