package dev.kade.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The demo's stream: rows of the shipped labelled test set as JSON records, with malformed records mixed
 * in on purpose so that the dead-letter path is exercised and counted.
 *
 * <p>Reads a labelled CSV from the classpath ({@code label} column, 1 = anomaly; the numeric columns are
 * the features). Deterministic for a given seed.
 */
public final class DemoData {
    /** Classpath location of the shipped training rows (normal only). */
    public static final String TRAIN_RESOURCE = "/datasets/shuttle.train.csv";
    /** Classpath location of the shipped labelled test rows. */
    public static final String TEST_RESOURCE = "/datasets/shuttle.test.csv";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSet data;

    private DemoData(DataSet data) {
        if (data.labelsIfAny().isEmpty()) {
            throw new IllegalStateException(data.source() + " has no label column");
        }
        this.data = data;
    }

    /**
     * Loads a labelled CSV (header, numeric features, a {@code label} column) from the classpath through
     * {@link DataSetReader}, the reader the trainer uses.
     */
    public static DemoData fromResource(String resource) {
        return new DemoData(DataSetReader.readResource(resource, DataSetReader.Options.defaults().withLabelColumn("label")));
    }

    public List<String> features() {
        return data.features();
    }

    public int size() {
        return data.size();
    }

    public long anomalies() {
        return java.util.Arrays.stream(labels()).filter(l -> l == 1).count();
    }

    private int[] labels() {
        return data.labelsIfAny().orElseThrow();
    }

    /**
     * Builds {@code count} records cycling through the rows in order, one in {@code malformedEvery} replaced
     * by a malformed record of a rotating kind (0 = none). Keys are {@code prefix + index}.
     */
    public List<DemoRecord> records(int count, int malformedEvery, String prefix, long seed) {
        Objects.requireNonNull(prefix, "prefix");
        SplittableRandom random = new SplittableRandom(seed);
        List<DemoRecord> out = new ArrayList<>(count);
        int broken = 0;
        for (int i = 0; i < count; i++) {
            int r = i % data.size();
            String key = prefix + i;
            if (malformedEvery > 0 && i % malformedEvery == malformedEvery - 1) {
                out.add(new DemoRecord(key, malformed(data.rows()[r], broken++, random), false, true));
            } else {
                out.add(new DemoRecord(key, json(data.rows()[r]).toString().getBytes(StandardCharsets.UTF_8), labels()[r] == 1, false));
            }
        }
        return out;
    }

    private ObjectNode json(float[] row) {
        ObjectNode node = JSON.createObjectNode();
        for (int j = 0; j < row.length; j++) {
            double v = row[j];
            if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                node.put(data.features().get(j), (long) v);
            } else {
                node.put(data.features().get(j), row[j]); // float: the value as read, without double noise
            }
        }
        return node;
    }

    /** One of six kinds of damage, each a different dead-letter reason. */
    private byte[] malformed(float[] row, int kind, SplittableRandom random) {
        ObjectNode node = json(row);
        String victim = data.features().get(random.nextInt(data.features().size()));
        String text;
        switch (kind % 6) {
            case 0 -> text = node.toString().substring(0, node.toString().length() / 2); // truncated: not JSON
            case 1 -> {
                node.remove(victim);
                text = node.toString(); // missing feature
            }
            case 2 -> {
                node.put(victim, "n/a");
                text = node.toString(); // non-numeric
            }
            case 3 -> {
                node.put(victim, "NaN");
                text = node.toString(); // non-finite
            }
            case 4 -> text = JSON.createArrayNode().add(1).add(2).toString(); // not an object
            default -> {
                return null; // tombstone: empty value
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
