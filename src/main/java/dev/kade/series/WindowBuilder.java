package dev.kade.series;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns long-format series data (one row per entity and time step) into training windows by the stream's
 * own rule, with the same {@link EntityWindow} and {@link EntityStats}, so that training and serving agree
 * bit for bit.
 *
 * <p>Rows are grouped by entity (entities in order of first appearance) and ordered by time within an entity
 * (a stable sort: equal times keep file order). Then, for each entity, step by step: snapshot the statistics
 * (the state before this step), add the step to the window, emit a window when the window is full (so the
 * step just added is the scored one, last in the window), and only then add the step to the statistics. With
 * seasonal residuals ({@link SeriesSpec#seasonal()}) each step is first made from the row's R raw values and
 * time by the entity's {@link SeasonalProfile} (values, then residuals computed before the profile takes the
 * values in), exactly as the stream makes it. An
 * entity with fewer than W rows yields no window (in the stream it would still be warming up). Gaps in time
 * are not treated specially: training sees consecutive rows as consecutive steps.
 */
public final class WindowBuilder {
    private WindowBuilder() {
    }

    /**
     * Builds every full window of every entity in {@code rows} (each row holding the R raw values; with seasonal
     * residuals its time must be epoch milliseconds).
     *
     * @throws IllegalArgumentException if a row has not F values or a value is NaN or infinite (naming the entity)
     */
    public static SeriesWindows build(SeriesSpec spec, List<SeriesRow> rows) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(rows, "rows");
        Map<String, List<SeriesRow>> byEntity = new LinkedHashMap<>();
        for (SeriesRow r : rows) {
            byEntity.computeIfAbsent(r.entity(), k -> new ArrayList<>()).add(r);
        }
        int f = spec.features();
        List<float[]> windows = new ArrayList<>();
        List<float[]> stats = new ArrayList<>();
        List<Integer> entityIndex = new ArrayList<>();
        List<String> entities = new ArrayList<>(byEntity.keySet());
        int e = 0;
        for (Map.Entry<String, List<SeriesRow>> entry : byEntity.entrySet()) {
            List<SeriesRow> series = new ArrayList<>(entry.getValue());
            series.sort(Comparator.comparingLong(SeriesRow::time));
            EntityWindow window = EntityWindow.of(spec);
            EntityStats entityStats = new EntityStats(spec);
            SeasonalProfile profile = spec.seasonal().map(s -> new SeasonalProfile(s, spec.rawFeatures())).orElse(null);
            for (SeriesRow r : series) {
                check(r, spec.rawFeatures());
                float[] step = r.values();
                if (profile != null) {
                    step = new float[f];
                    profile.step(r.values(), 0, r.time(), step, 0);
                }
                float[] meanScale = new float[2 * f];
                entityStats.writeMeanScale(meanScale, 0);
                window.add(step);
                if (window.isFull()) {
                    windows.add(window.toArray());
                    stats.add(meanScale);
                    entityIndex.add(e);
                }
                entityStats.update(step);
            }
            e++;
        }
        int[] idx = new int[entityIndex.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = entityIndex.get(i);
        }
        return new SeriesWindows(spec, windows.toArray(new float[0][]), stats.toArray(new float[0][]), idx, entities);
    }

    private static void check(SeriesRow r, int f) {
        if (r.values().length != f) {
            throw new IllegalArgumentException("entity '" + r.entity() + "': a row has " + r.values().length
                    + " values for " + f + " features");
        }
        for (float v : r.values()) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("entity '" + r.entity() + "' at time " + r.time()
                        + ": value " + v + " is not finite");
            }
        }
    }
}
