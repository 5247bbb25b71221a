package dev.kade.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kade.input.AvroFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a CSV file (with a header) or a JSON Lines file into a {@link DataSet}. Every record goes through
 * the {@link FeatureExtractor} that the stream uses, so a value the stream would refuse is refused here
 * too, with file, line and column named.
 *
 * <p>CSV cells become JSON text nodes keyed by header name, then the extractor reads them. Columns are
 * chosen by {@link Options#features()} or, when that is empty, every column whose first non-empty value
 * is a number (nested JSON objects are walked, giving dotted names), minus the label column,
 * {@link Options#excludeColumns()} and the columns whose names say label, identifier or time
 * ({@link ColumnScreen}); what was left out, and constant or identifier-like values, are in {@link DataSet#notes()}. Labels, when a label column is named, must be 0 or 1 (1 = anomaly).
 */
public final class DataSetReader {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** How to read: which columns, which label column, what to do with bad values. */
    public record Options(List<String> features, Set<String> excludeColumns, String labelColumn, ImputationPolicy imputation) {
        public Options {
            features = List.copyOf(Objects.requireNonNull(features, "features"));
            excludeColumns = Set.copyOf(Objects.requireNonNull(excludeColumns, "excludeColumns"));
            Objects.requireNonNull(imputation, "imputation");
        }

        /** All numeric columns, no label, fail on bad values. */
        public static Options defaults() {
            return new Options(List.of(), Set.of(), null, ImputationPolicy.FAIL);
        }

        public Options withFeatures(List<String> f) {
            return new Options(f, excludeColumns, labelColumn, imputation);
        }

        public Options withExcludeColumns(Set<String> e) {
            return new Options(features, e, labelColumn, imputation);
        }

        public Options withLabelColumn(String label) {
            return new Options(features, excludeColumns, label, imputation);
        }

        public Options withImputation(ImputationPolicy p) {
            return new Options(features, excludeColumns, labelColumn, p);
        }
    }

    /**
     * File formats, chosen by extension: {@code .jsonl}, {@code .ndjson}, {@code .json} are JSON Lines, {@code .avro}
     * an Avro object container file (each record read as the stream reads Avro input), anything else CSV.
     */
    public enum Format {
        CSV, JSON_LINES, AVRO;

        public static Format of(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.endsWith(".avro")) {
                return AVRO;
            }
            return n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json") ? JSON_LINES : CSV;
        }
    }

    private DataSetReader() {
    }

    /** Reads a file, choosing the format by extension. */
    public static DataSet read(Path file, Options options) {
        Objects.requireNonNull(file, "file");
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), Format.of(file.getFileName().toString()), options);
        } catch (IOException e) {
            throw new DataSetException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a classpath resource, for instance a data set shipped inside the jar. */
    public static DataSet readResource(String resource, Options options) {
        // class-loader lookups take no leading slash; accept both spellings
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        InputStream in = DataSetReader.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new DataSetException("no resource " + resource + " on the classpath");
        }
        try (in) {
            return read(in, resource, Format.of(resource), options);
        } catch (IOException e) {
            throw new DataSetException("cannot read resource " + resource + ": " + e.getMessage(), e);
        }
    }

    /** Reads a stream; {@code name} is what error messages call it. */
    public static DataSet read(InputStream in, String name, Format format, Options options) {
        Objects.requireNonNull(options, "options");
        List<String> columns = new ArrayList<>();
        List<Record> records = records(in, name, format, columns);
        List<String> notes = new ArrayList<>();
        List<String> features = options.features().isEmpty() ? numericColumns(records, columns, options, name, notes) : options.features();
        DataSet set = extract(records, features, options, name);
        notes.addAll(ColumnScreen.warnings(set));
        return new DataSet(set.features(), set.rows(), set.labels(), set.source(), notes);
    }

    /** One record and the line it started on. */
    record Record(int line, ObjectNode node) {
    }

    /**
     * Every record of a stream, in file order, as the readers see it: CSV cells as text keyed by header name
     * (the header's names are added to {@code csvColumns}), JSON Lines as parsed. The one place a data file is
     * split into records, for features here and for the non-feature columns {@link KeyColumns} reads.
     */
    static List<Record> records(InputStream in, String name, Format format, List<String> csvColumns) {
        List<Record> records = new ArrayList<>();
        if (format == Format.AVRO) {
            readAvro(in, name, records);
            return records;
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            if (format == Format.CSV) {
                readCsv(reader, name, records, csvColumns);
            } else {
                readJsonLines(reader, name, records);
            }
        } catch (IOException e) {
            throw new DataSetException("cannot read " + name + ": " + e.getMessage(), e);
        }
        return records;
    }

    private static void readCsv(BufferedReader reader, String name, List<Record> records, List<String> columns) throws IOException {
        String header = reader.readLine();
        if (header == null) {
            throw new DataSetException(name + ": file is empty, expected a CSV header");
        }
        if (header.startsWith("\uFEFF")) {
            header = header.substring(1);
        }
        List<String> names = splitCsv(header, name, 1);
        Set<String> seen = new LinkedHashSet<>();
        for (String c : names) {
            if (c.isBlank() || !seen.add(c)) {
                throw new DataSetException(name + ":1: header has a blank or repeated column name '" + c + "'");
            }
        }
        columns.addAll(names);
        String line;
        int lineNo = 1;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            List<String> cells = splitCsv(line, name, lineNo);
            if (cells.size() != names.size()) {
                throw new DataSetException(name + ":" + lineNo + ": " + cells.size() + " cells, the header has " + names.size());
            }
            ObjectNode node = NODES.objectNode();
            for (int i = 0; i < cells.size(); i++) {
                node.put(names.get(i), cells.get(i));
            }
            records.add(new Record(lineNo, node));
        }
    }

    /** Splits one CSV line: comma separated, double quotes around cells that hold commas or quotes. */
    static List<String> splitCsv(String line, String name, int lineNo) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else if (c != '\r') {
                cell.append(c);
            }
        }
        if (quoted) {
            throw new DataSetException(name + ":" + lineNo + ": unterminated quoted cell (multi-line cells are not supported)");
        }
        cells.add(cell.toString());
        return cells;
    }

    /** An Avro container file: record n (from 1) is "line" n in messages. */
    private static void readAvro(InputStream in, String name, List<Record> records) {
        try {
            AvroFiles.forEach(in, json -> {
                try {
                    records.add(new Record(records.size() + 1, (ObjectNode) FeatureExtractor.json().readTree(json)));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new DataSetException("cannot read " + name + " as an Avro container file: " + e.getMessage(), e);
        }
    }

    private static void readJsonLines(BufferedReader reader, String name, List<Record> records) throws IOException {
        String line;
        int lineNo = 0;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = FeatureExtractor.json().readTree(line);
            } catch (JsonProcessingException e) {
                throw new DataSetException(name + ":" + lineNo + ": not JSON: " + e.getOriginalMessage());
            }
            if (!(node instanceof ObjectNode obj)) {
                throw new DataSetException(name + ":" + lineNo + ": not a JSON object");
            }
            records.add(new Record(lineNo, obj));
        }
    }

    private static List<String> numericColumns(List<Record> records, List<String> csvColumns, Options options, String name,
            List<String> notes) {
        List<String> candidates = new ArrayList<>(csvColumns);
        if (candidates.isEmpty()) {
            Set<String> paths = new LinkedHashSet<>();
            for (Record r : records) {
                collectPaths(r.node(), "", paths);
            }
            candidates.addAll(paths);
        }
        List<String> numeric = new ArrayList<>();
        for (String c : candidates) {
            if (c.equals(options.labelColumn()) || options.excludeColumns().contains(c)) {
                continue;
            }
            var byName = ColumnScreen.excludedByName(c);
            if (byName.isPresent()) {
                notes.add(byName.get());
                continue;
            }
            for (Record r : records) {
                JsonNode v = lookup(r.node(), c);
                if (v == null || v.isNull() || (v.isTextual() && v.textValue().isBlank())) {
                    continue;
                }
                if (v.isNumber() || (v.isTextual() && isNumber(v.textValue()))) {
                    numeric.add(c);
                }
                break;
            }
        }
        if (numeric.isEmpty()) {
            throw new DataSetException(name + ": no numeric columns found" + (records.isEmpty() ? " (no rows)" : ""));
        }
        return numeric;
    }

    private static void collectPaths(JsonNode node, String prefix, Set<String> out) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue().isObject()) {
                collectPaths(e.getValue(), path, out);
            } else {
                out.add(path);
            }
        }
    }

    static JsonNode lookup(JsonNode node, String path) {
        JsonNode direct = node.get(path);
        if (direct != null) {
            return direct;
        }
        JsonNode cur = node;
        for (String part : path.split("\\.", -1)) {
            cur = cur == null ? null : cur.get(part);
        }
        return cur;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static DataSet extract(List<Record> records, List<String> features, Options options, String name) {
        FeatureExtractor extractor = new FeatureExtractor(features);
        List<float[]> rows = new ArrayList<>(records.size());
        List<Integer> labels = new ArrayList<>();
        List<int[]> imputed = new ArrayList<>(); // {row, feature}
        for (Record r : records) {
            ObjectNode node = r.node();
            float[] row = null;
            boolean drop = false;
            List<Integer> bad = new ArrayList<>();
            while (row == null) {
                try {
                    row = extractor.extract(node);
                } catch (FeatureException e) {
                    String feature = e.feature().orElseThrow(() -> new DataSetException(name + ":" + r.line() + ": " + e.getMessage()));
                    if (options.imputation() == ImputationPolicy.FAIL) {
                        throw new DataSetException(name + ":" + r.line() + ": column '" + feature + "': " + e.getMessage()
                                + " (choose --imputation mean or drop-row to accept such rows)");
                    }
                    if (options.imputation() == ImputationPolicy.DROP_ROW) {
                        drop = true;
                        break;
                    }
                    if (node == r.node()) {
                        node = node.deepCopy();
                    }
                    node.put(feature, 0.0f); // the exact top-level name wins over a dotted path
                    bad.add(features.indexOf(feature));
                }
            }
            if (drop) {
                continue;
            }
            if (options.labelColumn() != null) {
                labels.add(label(r, options.labelColumn(), name));
            }
            for (int j : bad) {
                imputed.add(new int[] {rows.size(), j});
            }
            rows.add(row);
        }
        float[][] array = rows.toArray(new float[0][]);
        if (!imputed.isEmpty()) {
            imputeMeans(array, imputed, features, name);
        }
        int[] labelArray = options.labelColumn() == null ? null : labels.stream().mapToInt(Integer::intValue).toArray();
        return new DataSet(features, array, labelArray, name);
    }

    private static void imputeMeans(float[][] rows, List<int[]> imputed, List<String> features, String name) {
        int f = features.size();
        boolean[][] missing = new boolean[rows.length][];
        for (int[] cell : imputed) {
            if (missing[cell[0]] == null) {
                missing[cell[0]] = new boolean[f];
            }
            missing[cell[0]][cell[1]] = true;
        }
        double[] sum = new double[f];
        int[] count = new int[f];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < f; j++) {
                if (missing[i] == null || !missing[i][j]) {
                    sum[j] += rows[i][j];
                    count[j]++;
                }
            }
        }
        for (int[] cell : imputed) {
            int j = cell[1];
            if (count[j] == 0) {
                throw new DataSetException(name + ": column '" + features.get(j) + "' has no valid value to take a mean of");
            }
            rows[cell[0]][j] = (float) (sum[j] / count[j]);
        }
    }

    private static int label(Record r, String column, String name) {
        JsonNode v = r.node().get(column);
        if (v == null) {
            throw new DataSetException(name + ":" + r.line() + ": no label column '" + column + "': this needs labelled data, "
                    + "a column of 0 (normal) and 1 (anomaly); name yours with --label-column");
        }
        String text = v.isNull() ? "" : v.asText().trim();
        switch (text) {
            case "0", "0.0", "false" -> {
                return 0;
            }
            case "1", "1.0", "true" -> {
                return 1;
            }
            default -> throw new DataSetException(name + ":" + r.line() + ": column '" + column
                    + "': label must be 0 or 1 (1 = anomaly), got '" + text + "'");
        }
    }
}
