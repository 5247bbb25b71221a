package dev.kade.features;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Why a column should not be a feature even though its values are numbers: it names a label (which would
 * leak into the score and be missing from every live record), or an identifier or a time (unique per row,
 * so it teaches the model nothing that holds for a new record). {@link DataSetReader} applies the name rules
 * when it chooses features itself; the value rules only warn, since a constant or increasing column can be
 * real (a user who names it with {@code --features} keeps it).
 */
public final class ColumnScreen {
    /** Names that hold labels in common data sets, compared lower-case. */
    private static final Set<String> LABEL_NAMES = Set.of("label", "labels", "class", "target", "y", "anomaly", "is_anomaly",
            "outlier", "is_outlier", "ground_truth", "fraud", "is_fraud");
    /** Names that hold identifiers or times. */
    private static final Pattern ID_NAMES = Pattern.compile("(id|uuid|guid|index|idx|row|row_?num(ber)?|key|timestamp|time|date|datetime"
            + "|ts|epoch)|.*[_.-](id|uuid|key|timestamp|time|ts)|.*(Id|ID|Uuid|Timestamp)");
    /** Fewer rows than this and "every value distinct and increasing" proves nothing. */
    private static final int MIN_ROWS_FOR_ID = 20;

    private ColumnScreen() {
    }

    /** Why a column called {@code name} is left out when features are chosen automatically, or empty to keep it. */
    public static Optional<String> excludedByName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (LABEL_NAMES.contains(lower)) {
            return Optional.of("column '" + name + "' looks like a label, not a feature: left out (evaluate reads it with --label-column;"
                    + " name it in --features to use it as a feature)");
        }
        if (ID_NAMES.matcher(name).matches() || ID_NAMES.matcher(lower).matches()) {
            return Optional.of("column '" + name + "' looks like an identifier or a time, not a feature: left out"
                    + " (name it in --features to use it as a feature)");
        }
        return Optional.empty();
    }

    /** Warnings about the values of the chosen columns: constant ones, and identifier-like ones (distinct, increasing integers). */
    public static List<String> warnings(DataSet set) {
        List<String> out = new ArrayList<>();
        float[][] rows = set.rows();
        if (rows.length == 0) {
            return out;
        }
        for (int j = 0; j < set.width(); j++) {
            String name = set.features().get(j);
            if (isConstant(rows, j)) {
                out.add("column '" + name + "' has one value (" + rows[0][j] + ") in all " + rows.length
                        + " rows: it carries no information, and any other value will look anomalous (--exclude-columns " + name + " to drop it)");
            } else if (rows.length >= MIN_ROWS_FOR_ID && isIncreasingIntegers(rows, j)) {
                out.add("column '" + name + "' holds distinct, increasing whole numbers in every row, like a row id or a counter: new records"
                        + " will lie outside its training range (--exclude-columns " + name + " to drop it)");
            }
        }
        return out;
    }

    private static boolean isConstant(float[][] rows, int j) {
        float first = rows[0][j];
        for (float[] r : rows) {
            if (Float.compare(r[j], first) != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIncreasingIntegers(float[][] rows, int j) {
        for (int i = 0; i < rows.length; i++) {
            float v = rows[i][j];
            if (v != Math.rint(v) || (i > 0 && v <= rows[i - 1][j])) {
                return false;
            }
        }
        return true;
    }
}
