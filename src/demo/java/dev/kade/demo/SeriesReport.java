package dev.kade.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kade.demo.SeriesDemoData.Series;
import dev.kade.demo.SeriesDemoData.Window;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@code kade demo --series} found, against NAB's labelled anomaly windows, per entity: which windows an alert
 * fell in and how early, and the alerts outside every window. NAB ignores detections in a file's probationary part
 * (the detector may still be learning there), so those are counted apart. The last line is one JSON object.
 *
 * @param recordsIn    records the scorer read from the input topic
 * @param scored       records it scored (warming-up records included: they get a score record, never an alert)
 * @param deadLettered records it dead-lettered
 * @param alerts       the alerts read back from the alert topic
 * @param entities     each entity's findings
 * @param seconds      wall time of the streaming phase
 */
record SeriesReport(long recordsIn, long scored, long deadLettered, List<Alert> alerts, List<EntityFindings> entities,
                    double seconds) {

    /** One alert as the alert topic carries it, with what the demo shows of it. */
    record Alert(String entity, Instant eventTime, double anomalyScore, String offFeature, double actual, double expected) {
        private static final ObjectMapper JSON = new ObjectMapper();

        /** Reads an alert record; empty for one that is not a windowed model's alert (no entity or event time). */
        static Optional<Alert> parse(byte[] value) {
            JsonNode n;
            try {
                n = JSON.readTree(value);
            } catch (IOException e) {
                throw new UncheckedIOException("unreadable alert on the alert topic", e);
            }
            if (n == null || !n.hasNonNull("entity") || !n.hasNonNull("event_time")) {
                return Optional.empty();
            }
            JsonNode off = n.path("off");
            return Optional.of(new Alert(n.get("entity").asText(), Instant.parse(n.get("event_time").asText()),
                    n.path("anomaly_score").asDouble(Double.NaN), off.path("feature").asText(""),
                    off.path("actual").asDouble(Double.NaN), off.path("expected").asDouble(Double.NaN)));
        }
    }

    /** One labelled window and the first alert inside it, if any. */
    record WindowFinding(Window window, Optional<Alert> first, int alerts) {
        boolean caught() {
            return first.isPresent();
        }
    }

    /** One entity: its windows and where its alerts fell. */
    record EntityFindings(Series series, List<WindowFinding> windows, int inProbation, int outside) {
        long caught() {
            return windows.stream().filter(WindowFinding::caught).count();
        }

        int inWindows() {
            return windows.stream().mapToInt(WindowFinding::alerts).sum();
        }
    }

    /** Matches the alerts to the series' windows. */
    static SeriesReport of(long recordsIn, long scored, long deadLettered, SeriesDemoData data, List<Alert> alerts,
                           double seconds) {
        Map<String, List<Alert>> byEntity = alerts.stream().collect(Collectors.groupingBy(Alert::entity));
        List<EntityFindings> findings = new ArrayList<>();
        for (Series s : data.series()) {
            List<Alert> mine = new ArrayList<>(byEntity.getOrDefault(s.entity(), List.of()));
            mine.sort(Comparator.comparing(Alert::eventTime));
            List<WindowFinding> ws = new ArrayList<>();
            for (Window w : s.windows()) {
                List<Alert> in = mine.stream().filter(a -> w.contains(a.eventTime())).toList();
                ws.add(new WindowFinding(w, in.stream().findFirst(), in.size()));
            }
            int probation = 0;
            int outside = 0;
            for (Alert a : mine) {
                if (s.windows().stream().anyMatch(w -> w.contains(a.eventTime()))) {
                    continue;
                }
                if (a.eventTime().isBefore(s.probationEnd())) {
                    probation++;
                } else {
                    outside++;
                }
            }
            findings.add(new EntityFindings(s, ws, probation, outside));
        }
        return new SeriesReport(recordsIn, scored, deadLettered, List.copyOf(alerts), findings, seconds);
    }

    long windows() {
        return entities.stream().mapToLong(e -> e.windows().size()).sum();
    }

    long windowsCaught() {
        return entities.stream().mapToLong(EntityFindings::caught).sum();
    }

    /** True when every record read was either scored or dead-lettered. */
    boolean balanced() {
        return recordsIn == scored + deadLettered;
    }

    /** The per-entity report, for people. */
    void print(PrintStream out) {
        for (EntityFindings e : entities) {
            Series s = e.series();
            out.printf(Locale.ROOT, "[demo] %s: %d rows (probationary %d), %d of %d labelled windows caught, "
                            + "%d alerts in windows, %d outside (after the probationary part), %d in the probationary part%n",
                    s.entity(), s.rows(), s.probationary(), e.caught(), e.windows().size(), e.inWindows(), e.outside(),
                    e.inProbation());
            for (WindowFinding f : e.windows()) {
                Window w = f.window();
                String span = String.format(Locale.ROOT, "%s .. %s (%s)", SeriesDemoData.format(w.start()),
                        SeriesDemoData.format(w.end()), hours(Duration.between(w.start(), w.end())));
                if (f.first().isEmpty()) {
                    out.printf(Locale.ROOT, "[demo]     window %s: missed%n", span);
                    continue;
                }
                Alert a = f.first().get();
                out.printf(Locale.ROOT, "[demo]     window %s: caught at %s, %s after it opened, %s before it closed; "
                                + "%s %s, expected %s (anomaly score %.3f; alerts in the window: %d)%n",
                        span, SeriesDemoData.format(a.eventTime()), hours(Duration.between(w.start(), a.eventTime())),
                        hours(Duration.between(a.eventTime(), w.end())), a.offFeature().isEmpty() ? "value" : a.offFeature(),
                        number(a.actual()), number(a.expected()), a.anomalyScore(), f.alerts());
            }
        }
    }

    /** The one-line JSON summary; its keys are relied on by {@code .ci/demo-check.sh}. */
    String toJson() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode n = m.createObjectNode();
        n.put("mode", "series");
        n.put("records_in", recordsIn);
        n.put("scored", scored);
        n.put("dead_lettered", deadLettered);
        n.put("alerts", alerts.size());
        n.put("windows", windows());
        n.put("windows_caught", windowsCaught());
        n.put("alerts_in_windows", entities.stream().mapToLong(EntityFindings::inWindows).sum());
        n.put("alerts_outside_windows", entities.stream().mapToLong(EntityFindings::outside).sum());
        n.put("alerts_in_probation", entities.stream().mapToLong(EntityFindings::inProbation).sum());
        ArrayNode per = n.putArray("entities");
        for (EntityFindings e : entities) {
            ObjectNode o = per.addObject();
            o.put("entity", e.series().entity());
            o.put("rows", e.series().rows());
            o.put("windows", e.windows().size());
            o.put("caught", e.caught());
            o.put("alerts_outside_windows", e.outside());
        }
        n.put("seconds", Math.round(seconds * 10_000) / 10_000.0);
        return n.toString();
    }

    private static String hours(Duration d) {
        return String.format(Locale.ROOT, "%.1f h", d.toMinutes() / 60.0);
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "?" : String.format(Locale.ROOT, "%.2f", v);
    }
}
