package dev.kade.lifecycle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes the shadow model the serving one ({@code kade promote}), guarded by criteria the user sets, keeping the
 * replaced model for a one-step rollback, and logging every promotion and rollback.
 *
 * <p>Files, not a cluster API: the serving model is the file {@code model.path} names (kade hot-reloads it), the
 * shadow the one {@code model.shadow.path} names. Promotion copies the serving file to {@code MODEL.previous} (the
 * rollback), then replaces the serving file by an atomic move of a copy of the shadow written beside it, so that kade's
 * watcher never reads a half-written model; the running kade then loads it with its usual checks and counts the
 * promotion ({@code kade_model_promotions_total}: the serving model became the one that was shadowing). Rollback
 * swaps {@code MODEL.previous} back the same way. Every action appends one JSON line to {@code MODEL.promotions.log}.
 *
 * <p>The criteria are read from a running kade's metrics ({@link Evidence#parse}): the records both models scored,
 * the alert overlap and rank correlation over the last window, and the shadow's alert rate against the serving model's
 * on the same records.
 */
public final class Promotion {
    private Promotion() {
    }

    /** What a scrape of kade's /metrics says about the shadow (NaN where it says nothing). */
    public record Evidence(String shadowVersion, double records, double championAlerts, double shadowAlerts, double overlap,
                           double rankCorrelation) {
        /** Reads the kade_shadow_* series of one kade instance's Prometheus text. */
        public static Evidence parse(String prometheusText) {
            Map<String, Double> v = new HashMap<>();
            String version = null;
            for (String line : prometheusText.split("\n")) {
                if (line.startsWith("#") || !line.startsWith("kade_shadow_")) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                if (space < 0) {
                    continue;
                }
                String series = line.substring(0, space);
                double value;
                try {
                    value = Double.parseDouble(line.substring(space + 1));
                } catch (NumberFormatException e) {
                    continue;
                }
                String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
                if (name.equals("kade_shadow_info")) {
                    version = label(series, "version");
                } else if (name.equals("kade_shadow_alerts_total")) {
                    v.put(name + "/" + label(series, "model"), value);
                } else {
                    v.put(name, value);
                }
            }
            return new Evidence(version, v.getOrDefault("kade_shadow_records_scored_total", Double.NaN),
                    v.getOrDefault("kade_shadow_alerts_total/champion", Double.NaN),
                    v.getOrDefault("kade_shadow_alerts_total/shadow", Double.NaN),
                    v.getOrDefault("kade_shadow_alert_overlap", Double.NaN),
                    v.getOrDefault("kade_shadow_rank_correlation", Double.NaN));
        }

        private static String label(String series, String name) {
            int i = series.indexOf(name + "=\"");
            if (i < 0) {
                return null;
            }
            int from = i + name.length() + 2;
            return series.substring(from, series.indexOf('"', from));
        }

        /** The shadow's alerts over the serving model's on the same records (NaN when the serving model raised none). */
        public double alertRateRatio() {
            return championAlerts > 0 ? shadowAlerts / championAlerts : (shadowAlerts == 0 ? 1 : Double.POSITIVE_INFINITY);
        }
    }

    /**
     * What the shadow must show before it may serve.
     *
     * @param minRecords         records both models scored, at least
     * @param minOverlap         alert overlap over the window, at least (NaN evidence passes: no alerts to disagree on)
     * @param minRankCorrelation rank correlation over the window, at least
     * @param maxAlertRateRatio  the shadow's alerts over the serving model's on the same records, at most
     */
    public record Criteria(long minRecords, double minOverlap, double minRankCorrelation, double maxAlertRateRatio) {
        /** The reasons {@code e} fails these criteria; empty when it passes. */
        public List<String> failures(Evidence e) {
            List<String> out = new ArrayList<>();
            if (e.shadowVersion() == null) {
                out.add("the metrics name no shadow model (kade_shadow_info): is model.shadow.path set?");
                return out;
            }
            if (!(e.records() >= minRecords)) {
                out.add(String.format(Locale.ROOT, "%.0f records scored by both models, fewer than --min-records %d", e.records(), minRecords));
            }
            if (!Double.isNaN(e.overlap()) && e.overlap() < minOverlap) {
                out.add(String.format(Locale.ROOT, "alert overlap %.3f below --min-overlap %.3f", e.overlap(), minOverlap));
            }
            if (!(e.rankCorrelation() >= minRankCorrelation)) {
                out.add(String.format(Locale.ROOT, "rank correlation %.3f below --min-rank-correlation %.3f", e.rankCorrelation(),
                        minRankCorrelation));
            }
            if (e.alertRateRatio() > maxAlertRateRatio) {
                out.add(String.format(Locale.ROOT, "the shadow would alert %.2fx as often as the serving model, above "
                        + "--max-alert-rate-ratio %.2f", e.alertRateRatio(), maxAlertRateRatio));
            }
            return out;
        }
    }

    /** The previous serving model, kept by a promotion for {@link #rollback}. */
    public static Path previous(Path model) {
        return model.resolveSibling(model.getFileName() + ".previous");
    }

    /** The promotion log beside the serving model. */
    public static Path log(Path model) {
        return model.resolveSibling(model.getFileName() + ".promotions.log");
    }

    /** Makes {@code shadow} the serving model at {@code model}, keeping the replaced one; logs it. */
    public static void promote(Path model, Path shadow, Optional<Evidence> evidence, Instant now) throws IOException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(shadow, "shadow");
        if (!Files.isRegularFile(shadow)) {
            throw new IOException("no shadow model at " + shadow);
        }
        if (Files.isRegularFile(model)) {
            replace(model, previous(model));
        }
        replace(shadow, model);
        append(model, now, "promote", shadow + " -> " + model, evidence);
    }

    /** Puts the model a promotion replaced back, keeping the one it replaces as the new previous; logs it. */
    public static void rollback(Path model, Instant now) throws IOException {
        Path previous = previous(model);
        if (!Files.isRegularFile(previous)) {
            throw new IOException("nothing to roll back to: no " + previous);
        }
        Path swap = model.resolveSibling(model.getFileName() + ".rollback.tmp");
        Files.copy(model, swap, StandardCopyOption.REPLACE_EXISTING);
        replace(previous, model);
        Files.move(swap, previous, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        append(model, now, "rollback", previous + " -> " + model, Optional.empty());
    }

    /** Copies {@code from} beside {@code to}, then moves it over {@code to} atomically (a watcher never sees half a file). */
    private static void replace(Path from, Path to) throws IOException {
        Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
        Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void append(Path model, Instant now, String action, String what, Optional<Evidence> evidence) throws IOException {
        String line = String.format(Locale.ROOT, "{\"time\":\"%s\",\"action\":\"%s\",\"what\":\"%s\"%s}%n", now, action,
                what.replace("\\", "\\\\").replace("\"", "\\\""), evidence.map(e -> String.format(Locale.ROOT,
                        ",\"shadow_version\":\"%s\",\"records\":%.0f,\"overlap\":%s,\"rank_correlation\":%s,\"alert_rate_ratio\":%s",
                        e.shadowVersion(), e.records(), num(e.overlap()), num(e.rankCorrelation()), num(e.alertRateRatio()))).orElse(""));
        Files.writeString(log(model), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "null";
    }
}
