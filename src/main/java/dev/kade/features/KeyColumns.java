package dev.kade.features;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
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
        List<String> header = new ArrayList<>();
        List<DataSetReader.Record> records;
        try (InputStream in = Files.newInputStream(file)) {
            records = DataSetReader.records(in, name, DataSetReader.Format.of(file.getFileName().toString()), header);
        } catch (IOException e) {
            throw new DataSetException("cannot read " + name + ": " + e.getMessage(), e);
        }
        if (!header.isEmpty()) {
            for (String c : columns) {
                if (!header.contains(c)) {
                    throw new DataSetException(name + ":1: no column '" + c + "' in the header " + header);
                }
            }
        }
        List<String[]> out = new ArrayList<>(records.size());
        for (DataSetReader.Record r : records) {
            String[] row = new String[columns.size()];
            for (int c = 0; c < row.length; c++) {
                JsonNode v = DataSetReader.lookup(r.node(), columns.get(c));
                String text = v == null || v.isNull() || v.isContainerNode() ? null : v.asText().trim();
                row[c] = text == null || text.isEmpty() ? null : text;
            }
            out.add(row);
        }
        return out;
    }
}
