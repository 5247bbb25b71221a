package dev.kade.cli;

import dev.kade.features.DataSet;
import dev.kade.features.DataSetException;
import dev.kade.features.ImputationPolicy;
import dev.kade.features.KeyColumns;
import dev.kade.series.Normalisation;
import dev.kade.series.SeriesRow;
import dev.kade.series.SeriesSpec;
import dev.kade.series.SeriesTime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The per-entity time-series options of {@code train} (a picocli mixin): with {@code --window W} the data is
 * long-format (one row per entity and time step) and the model scores each record with its entity's last W
 * steps, normalised per entity. The entity and time columns are never features.
 */
final class SeriesOptions {

    @Option(names = "--window", paramLabel = "W", description = "Train a windowed model: each record is scored with its entity's last W steps (W >= 2). "
            + "The data is then long-format: one row per entity and time step.")
    Integer window;

    @Option(names = "--entity-column", paramLabel = "NAME", description = "With --window: the column naming each row's entity (default: the whole file is one entity).")
    String entityColumn;

    @Option(names = "--time-column", paramLabel = "NAME", description = "With --window: the column ordering an entity's rows, ISO-8601 or epoch seconds/millis "
            + "(default: file order is time order).")
    String timeColumn;

    @Option(names = "--normalisation", paramLabel = "cumulative|ewm|none", description = "With --window: how each entity's running mean and scale are kept "
            + "(default: cumulative).")
    String normalisation;

    @Option(names = "--half-life", paramLabel = "STEPS", description = "With --window and --normalisation ewm: half-life of the running mean and variance "
            + "(default: " + SeriesSpec.DEFAULT_HALF_LIFE + ").")
    Double halfLife;

    @Option(names = "--seasonal", negatable = true, description = "With --window: add a seasonal residual feature per feature (the value minus the entity's "
            + "running hour-of-week profile, hour-of-day while a week bin is empty). Default: on with --time-column, off without.")
    Boolean seasonal;

    @Option(names = "--seasonal-zone", paramLabel = "ZONE", description = "With --seasonal: the time zone whose weekdays and hours make the bins (default: UTC).")
    String seasonalZone;

    @Option(names = "--clip", paramLabel = "Z", description = "With --window: clip normalised values to [-Z, Z]; 0 = off (default: " + SeriesSpec.DEFAULT_CLIP + ").")
    Double clip;

    boolean windowed() {
        return window != null;
    }

    /**
     * Refuses series options without {@code --window}, and a window below 2.
     *
     * @throws IllegalArgumentException naming the option
     */
    void check() {
        if (window == null) {
            for (Object[] o : new Object[][] {{"--entity-column", entityColumn}, {"--time-column", timeColumn},
                {"--normalisation", normalisation}, {"--half-life", halfLife}, {"--clip", clip},
                {"--[no-]seasonal", seasonal}, {"--seasonal-zone", seasonalZone}}) {
                if (o[1] != null) {
                    throw new IllegalArgumentException(o[0] + " needs --window");
                }
            }
            return;
        }
        if (window < 2) {
            throw new IllegalArgumentException("--window must be at least 2, got " + window);
        }
        if (entityColumn != null && entityColumn.equals(timeColumn)) {
            throw new IllegalArgumentException("--entity-column and --time-column name the same column " + entityColumn);
        }
        if (Boolean.TRUE.equals(seasonal) && timeColumn == null) {
            throw new IllegalArgumentException("--seasonal needs --time-column (the bins come from each row's time)");
        }
        if (seasonalZone != null && !seasonal()) {
            throw new IllegalArgumentException("--seasonal-zone needs seasonal features (--time-column, not --no-seasonal)");
        }
        spec(1);
    }

    /** Whether the model gets seasonal residual features: --seasonal, or by default whenever rows have times. */
    boolean seasonal() {
        return seasonal != null ? seasonal : timeColumn != null;
    }

    /** The columns that are not features: the entity and time columns named. */
    Set<String> keyColumns() {
        List<String> k = new ArrayList<>();
        if (entityColumn != null) {
            k.add(entityColumn);
        }
        if (timeColumn != null) {
            k.add(timeColumn);
        }
        return Set.copyOf(k);
    }

    /** The series spec for {@code features} raw features per record. */
    SeriesSpec spec(int features) {
        SeriesSpec s = SeriesSpec.of(window, features);
        if (seasonal()) {
            java.time.ZoneId zone;
            try {
                zone = java.time.ZoneId.of(seasonalZone == null ? "UTC" : seasonalZone.trim());
            } catch (java.time.DateTimeException e) {
                throw new IllegalArgumentException("--seasonal-zone: not a time zone: " + seasonalZone, e);
            }
            s = s.withSeasonal(java.util.Optional.of(dev.kade.series.SeasonalSpec.hourOfWeek(zone)));
        }
        try {
            if (normalisation != null) {
                Normalisation n = Normalisation.parse(normalisation);
                s = s.withNormalisation(n, halfLife == null ? s.halfLife() : halfLife);
            } else if (halfLife != null) {
                s = s.withNormalisation(s.normalisation(), halfLife);
            }
            if (clip != null) {
                s = s.withClip(clip);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((normalisation != null && e.getMessage().contains("normalisation")
                    ? "--normalisation: " : clip != null && e.getMessage().contains("clip") ? "--clip: " : "--half-life: ")
                    + e.getMessage(), e);
        }
        return s;
    }

    /**
     * The rows of {@code data} (read from {@code file}) as series rows: entity from the entity column (one entity
     * when none is named), time from the time column (the row's position when none is named).
     *
     * @throws DataSetException naming file, row and column when an entity or a time is missing or unreadable
     */
    List<SeriesRow> rows(Path file, DataSet data, ImputationPolicy imputation) {
        List<String> cols = new ArrayList<>();
        if (entityColumn != null) {
            cols.add(entityColumn);
        }
        if (timeColumn != null) {
            cols.add(timeColumn);
        }
        List<String[]> keys = cols.isEmpty() ? null : KeyColumns.read(file, cols);
        if (keys != null && keys.size() != data.size()) {
            throw new DataSetException(file + ": " + data.size() + " feature rows but " + keys.size() + " records"
                    + (imputation == ImputationPolicy.DROP_ROW ? "; --imputation drop-row cannot be used with --window "
                    + "(a dropped row would shift its entity's steps): use fail or mean" : ""));
        }
        List<SeriesRow> rows = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            String entity = "";
            long time = i;
            int c = 0;
            if (entityColumn != null) {
                entity = keys.get(i)[c++];
                if (entity == null) {
                    throw new DataSetException(file + ": record " + (i + 1) + " has no entity in column '" + entityColumn + "'");
                }
            }
            if (timeColumn != null) {
                String t = keys.get(i)[c];
                try {
                    time = SeriesTime.parseMillis(t);
                } catch (IllegalArgumentException e) {
                    throw new DataSetException(file + ": record " + (i + 1) + ", column '" + timeColumn + "': " + e.getMessage());
                }
            }
            rows.add(new SeriesRow(entity, time, data.rows()[i]));
        }
        return rows;
    }
}
