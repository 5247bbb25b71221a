package dev.kade.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The demo's stream: rows of the shipped labelled test set as JSON records, with malformed records mixed
 * in on purpose so that the dead-letter path is exercised and counted.
 *
 * <p>Reads a CSV from the classpath whose last column is {@code label}; the other columns are the
 * features. Deterministic for a given seed.
 */
public final class DemoData {
    /** Classpath location of the shipped training rows (normal only). */
    public static final String TRAIN_RESOURCE = "/datasets/shuttle.train.csv";
    /** Classpath location of the shipped labelled test rows. */
    public static final String TEST_RESOURCE = "/datasets/shuttle.test.csv";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> features;
    private final List<double[]> rows;
    private final List<Boolean> labels;

    private DemoData(List<String> features, List<double[]> rows, List<Boolean> labels) {
        this.features = List.copyOf(features);
        this.rows = rows;
        this.labels = labels;
    }

    /** Loads a labelled CSV (header, numeric features, last column {@code label}) from the classpath. */
    public static DemoData fromResource(String resource) {
        try (InputStream in = DemoData.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("demo data " + resource + " is not on the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String[] header = reader.readLine().split(",");
            if (!"label".equals(header[header.length - 1])) {
                throw new IllegalStateException(resource + " has no trailing label column");
            }
            List<String> features = Arrays.asList(header).subList(0, header.length - 1);
            List<double[]> rows = new ArrayList<>();
            List<Boolean> labels = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",");
                double[] row = new double[features.size()];
                for (int j = 0; j < row.length; j++) {
                    row[j] = Double.parseDouble(cells[j]);
                }
                rows.add(row);
                labels.add("1".equals(cells[cells.length - 1].trim()));
            }
            return new DemoData(features, rows, labels);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read demo data " + resource, e);
        }
    }

    public List<String> features() {
        return features;
    }

    public int size() {
        return rows.size();
    }

    public long anomalies() {
        return labels.stream().filter(b -> b).count();
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
            int r = i % rows.size();
            String key = prefix + i;
            if (malformedEvery > 0 && i % malformedEvery == malformedEvery - 1) {
                out.add(new DemoRecord(key, malformed(rows.get(r), broken++, random), false, true));
            } else {
                out.add(new DemoRecord(key, json(rows.get(r)).toString().getBytes(StandardCharsets.UTF_8), labels.get(r), false));
            }
        }
        return out;
    }

    private ObjectNode json(double[] row) {
        ObjectNode node = JSON.createObjectNode();
        for (int j = 0; j < row.length; j++) {
            double v = row[j];
            if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                node.put(features.get(j), (long) v);
            } else {
                node.put(features.get(j), v);
            }
        }
        return node;
    }

    /** One of six kinds of damage, each a different dead-letter reason. */
    private byte[] malformed(double[] row, int kind, SplittableRandom random) {
        ObjectNode node = json(row);
        String victim = features.get(random.nextInt(features.size()));
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
