package dev.kade.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.Objects;

/**
 * A small sample of the model's own calibration data, stored in its metadata ({@link ModelContract#KEY_PROBE}),
 * so that kade can check at load that the metadata belongs to the graph it came with.
 *
 * <p>The rows are raw feature values (what the stream feeds the model) taken at evenly spaced ranks of
 * the calibration scores, lowest to highest: {@code probabilities[i]} is the exact rank of row {@code i}
 * among the scores the stored {@link ScoreDistribution} was built from, and {@code scores[i]} is the score
 * the maker computed for it (the trainer's forward pass, or ONNX Runtime in {@code kade calibrate}).
 * Because a rank-{@code p} score is the {@code p}-quantile of the same data, every probe score must lie
 * between the stored quantiles that bracket {@code p}; {@link ModelContract#verify} checks that, and that
 * ONNX Runtime reproduces the scores.
 *
 * <p>The probe guards against mistakes (metadata copied from another model, hand-edited thresholds or
 * quantiles, a wrong kind); it is not a signature: whoever can write the file can compute a new probe.
 *
 * @param probabilities rank of each row among the calibration scores, in [0,1], non-decreasing
 * @param rows          raw feature values, one row per rank, all the same width
 * @param scores        expected score of each row
 */
public record ModelProbe(double[] probabilities, float[][] rows, float[] scores) {
    /** Rows in a probe made by {@link #sample}: ranks 0, 1/32, ..., 1 (minimum and maximum included). */
    public static final int SIZE = 33;

    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelProbe {
        Objects.requireNonNull(probabilities, "probabilities");
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(scores, "scores");
        if (rows.length == 0 || rows.length != probabilities.length || rows.length != scores.length) {
            throw new InvalidModelException(ModelContract.KEY_PROBE + " needs rows, scores and probabilities of one "
                    + "non-zero length; got " + rows.length + ", " + scores.length + " and " + probabilities.length);
        }
        int width = Objects.requireNonNull(rows[0], "row").length;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null || rows[i].length != width || width == 0) {
                throw new InvalidModelException(ModelContract.KEY_PROBE + " row " + i + " does not have " + width + " values");
            }
            for (float v : rows[i]) {
                if (!Float.isFinite(v)) {
                    throw new InvalidModelException(ModelContract.KEY_PROBE + " row " + i + " has a non-finite value");
                }
            }
            if (!Float.isFinite(scores[i])) {
                throw new InvalidModelException(ModelContract.KEY_PROBE + " score " + i + " is not finite");
            }
            if (!(probabilities[i] >= 0 && probabilities[i] <= 1) || (i > 0 && probabilities[i] < probabilities[i - 1])) {
                throw new InvalidModelException(ModelContract.KEY_PROBE + " probabilities must rise within [0,1] (point " + i + ")");
            }
        }
        probabilities = probabilities.clone();
        rows = deepCopy(rows);
        scores = scores.clone();
    }

    /**
     * The probe of a calibration set: the rows at ranks 0, 1/32, ..., 1 of their scores.
     *
     * @param rows   raw feature values of the calibration rows (the rows the score distribution is built from)
     * @param scores their scores, as the stored {@link ScoreDistribution} saw them
     */
    public static ModelProbe sample(float[][] rows, double[] scores) {
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(scores, "scores");
        if (rows.length == 0 || rows.length != scores.length) {
            throw new IllegalArgumentException("a probe needs matching rows and scores, got " + rows.length + " and " + scores.length);
        }
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // stable sort by score, so equal scores keep the data's order: the same inputs give the same probe
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        int k = Math.min(SIZE, rows.length);
        int last = rows.length - 1;
        double[] p = new double[k];
        float[][] r = new float[k][];
        float[] s = new float[k];
        for (int i = 0; i < k; i++) {
            int rank = k == 1 ? 0 : (int) Math.round((double) i * last / (k - 1));
            p[i] = last == 0 ? 1.0 : (double) rank / last;
            r[i] = rows[order[rank]];
            s[i] = (float) scores[order[rank]];
        }
        return new ModelProbe(p, r, s);
    }

    /** Number of probe rows. */
    public int size() {
        return rows.length;
    }

    /** Values per row (the model's feature count). */
    public int width() {
        return rows[0].length;
    }

    @Override
    public double[] probabilities() {
        return probabilities.clone();
    }

    @Override
    public float[][] rows() {
        return deepCopy(rows);
    }

    @Override
    public float[] scores() {
        return scores.clone();
    }

    /** The JSON written under {@link ModelContract#KEY_PROBE}: {@code {"p":[..],"rows":[[..],..],"scores":[..]}}. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(new Json(probabilities, rows, scores));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads {@link #toJson()}'s form; a malformed probe is an {@link InvalidModelException} naming the key. */
    public static ModelProbe fromJson(String json) {
        try {
            Json j = JSON.readValue(json, Json.class);
            if (j.p == null || j.rows == null || j.scores == null) {
                throw new InvalidModelException(ModelContract.KEY_PROBE + " needs fields p, rows and scores");
            }
            return new ModelProbe(j.p, j.rows, j.scores);
        } catch (JsonProcessingException e) {
            throw new InvalidModelException(ModelContract.KEY_PROBE + " is not valid JSON of the expected shape: "
                    + e.getOriginalMessage());
        }
    }

    /** Shape of the JSON form. */
    private static final class Json {
        public double[] p;
        public float[][] rows;
        public float[] scores;

        Json() {
        }

        Json(double[] p, float[][] rows, float[] scores) {
            this.p = p;
            this.rows = rows;
            this.scores = scores;
        }
    }

    private static float[][] deepCopy(float[][] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i] == null ? null : rows[i].clone();
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelProbe other && Arrays.equals(probabilities, other.probabilities)
                && Arrays.deepEquals(rows, other.rows) && Arrays.equals(scores, other.scores);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(probabilities), Arrays.deepHashCode(rows), Arrays.hashCode(scores));
    }

    @Override
    public String toString() {
        return "ModelProbe[" + rows.length + " rows of " + width() + " features]";
    }
}
