package dev.kade.bench;

import dev.kade.drift.DriftMonitor;
import dev.kade.drift.DriftSettings;
import dev.kade.export.OnnxExporter;
import dev.kade.features.DataSet;
import dev.kade.features.DataSetReader;
import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.onnx.OnnxModel;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainConfig;
import dev.kade.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Drift measured as the stream measures it (issue 20, part 1): an AE trained on a shipped data set's training rows
 * and exported to ONNX; the normal rows of its test split (never trained on) scored once through ONNX Runtime; then
 * {@link DriftMonitor} fed in batches of 256, exactly as {@code ScoringProcessor} feeds it, with:
 *
 * <ul>
 *   <li><b>clean</b>: {@code --records} (default 1,000,000) records drawn with replacement from those normal rows, per
 *       seed (default 5 seeds): a run is a false alarm if the monitor reports drift at any batch end once its window is
 *       full; the largest score and feature PSI seen are printed;</li>
 *   <li><b>shifted</b>: one full window of clean records, then the same rows with feature {@code --shift-feature}
 *       (default the first) moved by {@code --shift} (default 1) of its training standard deviation, scored through the
 *       model again; the figure is the number of shifted records until the monitor first reports drift.</li>
 * </ul>
 *
 * <p>{@code --select} prints, for a data set, the clean runs' largest PSIs for several window sizes: how the default
 * window and level were chosen (on thyroid; the reported figures are shuttle's). Ends with one JSON line.
 */
public final class DriftBenchmark {
    private static final int BATCH = 256;

    /** What one drift measurement found; {@code json} is the line {@link #main} prints. */
    record Result(Long recordsToAlert, int cleanRuns, int falseAlarmRuns, String json) {
    }

    public static void main(String[] args) throws Exception {
        Result r = measure(args);
        if (r != null) {
            System.out.println(r.json());
        }
    }

    /** Runs the measurement {@code args} ask for; null for {@code --select}, which prints its own lines. */
    static Result measure(String[] args) throws Exception {
        String set = "shuttle";
        long records = 1_000_000;
        int seeds = 5;
        double shift = 1.0;
        int shiftFeature = 0;
        int window = DriftSettings.DEFAULT.windowRecords();
        double level = DriftSettings.DEFAULT.alertPsi();
        boolean select = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--set" -> set = args[++i];
                case "--records" -> records = Long.parseLong(args[++i]);
                case "--seeds" -> seeds = Integer.parseInt(args[++i]);
                case "--shift" -> shift = Double.parseDouble(args[++i]);
                case "--shift-feature" -> shiftFeature = Integer.parseInt(args[++i]);
                case "--window" -> window = Integer.parseInt(args[++i]);
                case "--level" -> level = Double.parseDouble(args[++i]);
                case "--select" -> select = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("kade-drift-bench");
        DataSet train = DataSetReader.readResource("/datasets/" + set + ".train.csv", DataSetReader.Options.defaults());
        DataSet test = DataSetReader.readResource("/datasets/" + set + ".test.csv",
                DataSetReader.Options.defaults().withLabelColumn("label").withFeatures(train.features()));
        float[][] normal = normalRows(test);
        Path file = dir.resolve(set + ".onnx");
        long t0 = System.nanoTime();
        OnnxExporter.export(new Trainer().train(train, TrainConfig.defaults(ModelKind.AE).withSeed(7), ProgressListener.NONE), file);
        log("[drift] %s: AE trained and exported in %.1f s; %d training rows, %d normal test rows, %d features",
                set, (System.nanoTime() - t0) / 1e9, train.size(), normal.length, train.width());
        try (OnnxModel model = OnnxModel.load(file)) {
            ModelMetadata meta = model.metadata();
            if (meta.featureBins().isEmpty()) {
                throw new IllegalStateException("the exported model carries no kade.feature_bins");
            }
            float[] cleanScores = score(model, normal);
            float[][] shifted = shift(normal, train, shiftFeature, shift);
            float[] shiftedScores = score(model, shifted);
            if (select) {
                selectWindow(meta, normal, cleanScores, records, seeds);
                return null;
            }
            DriftSettings settings = new DriftSettings(window, level, 32);
            List<String> runs = new ArrayList<>();
            int falseAlarms = 0;
            double worstScore = 0;
            double worstFeature = 0;
            for (int seed = 1; seed <= seeds; seed++) {
                Clean c = clean(meta, settings, normal, cleanScores, records, seed);
                falseAlarms += c.alarmAt >= 0 ? 1 : 0;
                worstScore = Math.max(worstScore, c.maxScorePsi);
                worstFeature = Math.max(worstFeature, c.maxFeaturePsi);
                log("[drift] clean seed %d: %,d records, largest score PSI %.4f, largest feature PSI %.4f, %s", seed, records,
                        c.maxScorePsi, c.maxFeaturePsi, c.alarmAt >= 0 ? "FALSE ALARM at record " + c.alarmAt : "no alarm");
                runs.add(String.format(Locale.ROOT, "{\"seed\":%d,\"records\":%d,\"max_score_psi\":%.5f,\"max_feature_psi\":%.5f,"
                        + "\"false_alarm_at\":%s}", seed, records, c.maxScorePsi, c.maxFeaturePsi, c.alarmAt >= 0 ? c.alarmAt : "null"));
            }
            Shifted s = shifted(meta, settings, normal, cleanScores, shifted, shiftedScores, 1);
            log("[drift] shifted copy (%s + %.2f sd): drift reported after %s shifted records (score PSI then %.4f, "
                    + "feature PSI max %.4f, most drifted %s)", train.features().get(shiftFeature), shift,
                    s.recordsToAlert < 0 ? "never within 100,000" : String.format("%,d", s.recordsToAlert), s.scorePsi,
                    s.featurePsi, s.feature);
            return new Result(s.recordsToAlert < 0 ? null : s.recordsToAlert, seeds - falseAlarms, falseAlarms,
                    String.format(Locale.ROOT, "{\"benchmark\":\"drift\",\"set\":\"%s\",\"window\":%d,\"level\":%s,"
                    + "\"shift\":\"%s + %.2f sd\",\"drift_records_to_alert\":%s,\"drift_clean_runs\":%d,"
                    + "\"drift_false_alarm_runs\":%d,\"clean_max_score_psi\":%.5f,\"clean_max_feature_psi\":%.5f,\"runs\":[%s]}",
                    set, window, level, train.features().get(shiftFeature), shift,
                    s.recordsToAlert < 0 ? "null" : Long.toString(s.recordsToAlert), seeds - falseAlarms, falseAlarms,
                    worstScore, worstFeature, String.join(",", runs)));
        }
    }

    /** Largest PSIs on clean data for candidate windows (run on the selection data set, not the reported one). */
    private static void selectWindow(ModelMetadata meta, float[][] normal, float[] scores, long records, int seeds) {
        for (int window : new int[] {1000, 2000, 5000, 10000}) {
            double score = 0;
            double feature = 0;
            for (int seed = 1; seed <= seeds; seed++) {
                Clean c = clean(meta, new DriftSettings(window, 1e9, 32), normal, scores, records, seed);
                score = Math.max(score, c.maxScorePsi);
                feature = Math.max(feature, c.maxFeaturePsi);
            }
            log("[drift] select: window %5d: largest clean PSI over %d seeds x %,d records: score %.4f, feature %.4f",
                    window, seeds, records, score, feature);
            System.out.println(String.format(Locale.ROOT, "{\"window\":%d,\"max_score_psi\":%.5f,\"max_feature_psi\":%.5f}",
                    window, score, feature));
        }
    }

    private record Clean(long alarmAt, double maxScorePsi, double maxFeaturePsi) {
    }

    private static Clean clean(ModelMetadata meta, DriftSettings settings, float[][] rows, float[] scores, long records, long seed) {
        DriftMonitor m = new DriftMonitor(settings);
        m.serving(meta);
        SplittableRandom rng = new SplittableRandom(seed);
        int f = meta.features().size();
        float[] batchScores = new float[BATCH];
        float[] batchRows = new float[BATCH * f];
        long alarmAt = -1;
        double maxScore = 0;
        double maxFeature = 0;
        for (long done = 0; done < records; done += BATCH) {
            int n = (int) Math.min(BATCH, records - done);
            for (int i = 0; i < n; i++) {
                int r = rng.nextInt(rows.length);
                batchScores[i] = scores[r];
                System.arraycopy(rows[r], 0, batchRows, i * f, f);
            }
            m.observe(meta, batchScores, n, batchRows, n);
            double s = m.scorePsi();
            double p = m.featurePsiMax();
            if (!Double.isNaN(s)) {
                maxScore = Math.max(maxScore, s);
            }
            if (!Double.isNaN(p)) {
                maxFeature = Math.max(maxFeature, p);
            }
            if (alarmAt < 0 && m.drifted()) {
                alarmAt = done + n;
            }
        }
        return new Clean(alarmAt, maxScore, maxFeature);
    }

    private record Shifted(long recordsToAlert, double scorePsi, double featurePsi, String feature) {
    }

    private static Shifted shifted(ModelMetadata meta, DriftSettings settings, float[][] rows, float[] scores, float[][] moved,
                                   float[] movedScores, long seed) {
        DriftMonitor m = new DriftMonitor(settings);
        m.serving(meta);
        SplittableRandom rng = new SplittableRandom(seed);
        int f = meta.features().size();
        float[] batchScores = new float[BATCH];
        float[] batchRows = new float[BATCH * f];
        long warm = 0;
        while (warm < settings.windowRecords()) { // a full window of clean data first, as a running scorer would have
            int n = (int) Math.min(BATCH, settings.windowRecords() - warm);
            fill(rng, rows, scores, batchRows, batchScores, n, f);
            m.observe(meta, batchScores, n, batchRows, n);
            warm += n;
        }
        if (m.drifted()) {
            throw new IllegalStateException("drift reported on the clean warm-up window");
        }
        for (long done = 0; done < 100_000; done += BATCH) {
            fill(rng, moved, movedScores, batchRows, batchScores, BATCH, f);
            m.observe(meta, batchScores, BATCH, batchRows, BATCH);
            if (m.drifted()) {
                return new Shifted(done + BATCH, m.scorePsi(), m.featurePsiMax(), m.mostDriftedFeature());
            }
        }
        return new Shifted(-1, m.scorePsi(), m.featurePsiMax(), m.mostDriftedFeature());
    }

    private static void fill(SplittableRandom rng, float[][] rows, float[] scores, float[] batchRows, float[] batchScores, int n, int f) {
        for (int i = 0; i < n; i++) {
            int r = rng.nextInt(rows.length);
            batchScores[i] = scores[r];
            System.arraycopy(rows[r], 0, batchRows, i * f, f);
        }
    }

    private static float[][] normalRows(DataSet test) {
        int[] labels = test.labelsIfAny().orElseThrow();
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            if (labels[i] == 0) {
                out.add(test.rows()[i]);
            }
        }
        return out.toArray(new float[0][]);
    }

    /** A copy of {@code rows} with feature j moved by {@code sds} of its standard deviation in the training rows. */
    private static float[][] shift(float[][] rows, DataSet train, int j, double sds) {
        double sum = 0;
        double sq = 0;
        for (float[] r : train.rows()) {
            sum += r[j];
            sq += (double) r[j] * r[j];
        }
        int n = train.size();
        double sd = Math.sqrt(Math.max(0, sq / n - (sum / n) * (sum / n)));
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i].clone();
            out[i][j] += (float) (sds * sd);
        }
        return out;
    }

    private static float[] score(OnnxModel model, float[][] rows) {
        int f = model.metadata().features().size();
        float[] out = new float[rows.length];
        float[] flat = new float[BATCH * f];
        float[] s = new float[BATCH];
        float[] errors = new float[BATCH * f];
        for (int from = 0; from < rows.length; from += BATCH) {
            int n = Math.min(BATCH, rows.length - from);
            for (int i = 0; i < n; i++) {
                System.arraycopy(rows[from + i], 0, flat, i * f, f);
            }
            model.score(flat, n, s, errors);
            System.arraycopy(s, 0, out, from, n);
        }
        return out;
    }

    private static void log(String format, Object... args) {
        System.err.println(String.format(Locale.ROOT, format, args));
    }
}
