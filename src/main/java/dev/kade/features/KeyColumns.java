package dev.kade.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The text of a few non-feature columns (an entity, a time) of every record of a data file, in file order,
 * so that long-format series data can be read as {@link DataSetReader} reads the features and matched with
 * them row for row. Records are what {@link DataSetReader} counts as records: non-blank lines after a CSV
 * header, or non-blank JSON Lines. A dotted name is a path into nested JSON, as for features.
 */
public final class KeyColumns {
    private KeyColumns() {
    }

    /**
     * For each record, the text of each of {@code columns} (a JSON number as written; {@code null} for a
     * missing or empty value).
     *
     * @throws DataSetException if a column is not in a CSV header, or the file cannot be read
     */
    public static List<String[]> read(Path file, List<String> columns) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(columns, "columns");
        String name = file.toString();
        List<String[]> out = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            if (DataSetReader.Format.of(file.getFileName().toString()) == DataSetReader.Format.CSV) {
                readCsv(reader, name, columns, out);
            } else {
                readJsonLines(reader, name, columns, out);
            }
        } catch (IOException e) {
            throw new DataSetException("cannot read " + name + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static void readCsv(BufferedReader reader, String name, List<String> columns, List<String[]> out) throws IOException {
        String header = reader.readLine();
        if (header == null) {
            throw new DataSetException(name + ": file is empty, expected a CSV header");
        }
        if (header.startsWith("\uFEFF")) {
            header = header.substring(1);
        }
        List<String> names = DataSetReader.splitCsv(header, name, 1);
        int[] idx = new int[columns.size()];
        for (int c = 0; c < idx.length; c++) {
            idx[c] = names.indexOf(columns.get(c));
            if (idx[c] < 0) {
                throw new DataSetException(name + ":1: no column '" + columns.get(c) + "' in the header " + names);
            }
        }
        String line;
        int lineNo = 1;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            List<String> cells = DataSetReader.splitCsv(line, name, lineNo);
            String[] row = new String[idx.length];
            for (int c = 0; c < idx.length; c++) {
                String v = idx[c] < cells.size() ? cells.get(idx[c]).trim() : "";
                row[c] = v.isEmpty() ? null : v;
            }
            out.add(row);
        }
    }

    private static void readJsonLines(BufferedReader reader, String name, List<String> columns, List<String[]> out)
            throws IOException {
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
            String[] row = new String[columns.size()];
            for (int c = 0; c < row.length; c++) {
                JsonNode v = lookup(node, columns.get(c));
                String text = v == null || v.isNull() || v.isContainerNode() ? null : v.asText().trim();
                row[c] = text == null || text.isEmpty() ? null : text;
            }
            out.add(row);
        }
    }

    private static JsonNode lookup(JsonNode node, String path) {
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
}
