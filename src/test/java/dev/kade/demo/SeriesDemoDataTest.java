package dev.kade.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The series demo's data preparation (NAB's rules) and its matching of alerts to labelled windows. */
class SeriesDemoDataTest {
    private final SeriesDemoData data = SeriesDemoData.shipped();

    @Test
    void probationaryPartIsNabsFifteenPercentCappedAt750() {
        assertThat(SeriesDemoData.probationary(4032)).isEqualTo(604);
        assertThat(SeriesDemoData.probationary(7267)).isEqualTo(750);
        assertThat(SeriesDemoData.probationary(22695)).isEqualTo(750);
        assertThat(SeriesDemoData.probationary(100)).isEqualTo(15);
    }

    @Test
    void shippedSeriesAreWholeWithTheirLabelledWindows() {
        Map<String, Integer> rows = new HashMap<>();
        Map<String, Integer> windows = new HashMap<>();
        for (SeriesDemoData.Series s : data.series()) {
            rows.put(s.entity(), s.rows());
            windows.put(s.entity(), s.windows().size());
        }
        assertThat(rows).containsEntry("realKnownCause/machine_temperature_system_failure", 22695)
                .containsEntry("realKnownCause/ambient_temperature_system_failure", 7267)
                .containsEntry("realKnownCause/ec2_request_latency_system_failure", 4032)
                .containsEntry("artificialWithAnomaly/art_daily_jumpsup", 4032);
        assertThat(windows.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
        SeriesDemoData.Series machine = find("realKnownCause/machine_temperature_system_failure");
        assertThat(machine.windows().get(0).start()).isEqualTo(Instant.parse("2013-12-10T06:25:00Z"));
        assertThat(machine.times()[0]).isEqualTo(Instant.parse("2013-12-02T21:15:00Z").toEpochMilli());
    }

    @Test
    void interleavedStreamHoldsEveryRowOnceAndKeepsEachSeriesInFileOrder() {
        List<SeriesDemoData.Row> rows = data.interleaved();
        assertThat(rows).hasSize(data.rows());
        Map<String, Integer> next = new HashMap<>();
        Map<String, Long> newest = new HashMap<>();
        long mergeKey = Long.MIN_VALUE;
        for (SeriesDemoData.Row r : rows) {
            String e = r.series().entity();
            assertThat(r.row()).as("row of " + e).isEqualTo(next.getOrDefault(e, 0));
            next.put(e, r.row() + 1);
            long n = Math.max(newest.getOrDefault(e, Long.MIN_VALUE), r.eventTime());
            newest.put(e, n);
            assertThat(n).as("interleaved by each series' newest time").isGreaterThanOrEqualTo(mergeKey);
            mergeKey = n;
        }
        // machine_temperature steps back once (NAB's data): that row keeps its own, older time as its event time
        SeriesDemoData.Series machine = find("realKnownCause/machine_temperature_system_failure");
        boolean stepsBack = false;
        for (int i = 1; i < machine.rows(); i++) {
            stepsBack |= machine.times()[i] < machine.times()[i - 1];
        }
        assertThat(stepsBack).isTrue();
    }

    @Test
    void reportCountsAWindowCaughtOnceAndSeparatesProbationFromFalseAlerts() {
        SeriesDemoData.Series art = find("artificialWithAnomaly/art_daily_jumpsup");
        SeriesDemoData.Window w = art.windows().get(0);
        List<SeriesReport.Alert> alerts = List.of(
                alert(art, w.start()),                                   // in the window, at its first instant
                alert(art, w.end()),                                     // in the window, at its last instant
                alert(art, Instant.ofEpochMilli(art.times()[10])),       // in the probationary part
                alert(art, w.end().plus(Duration.ofMinutes(5))));        // after the window: a false positive
        SeriesReport report = SeriesReport.of(100, 90, 10, data, alerts, 1.0);

        SeriesReport.EntityFindings f = report.entities().stream()
                .filter(e -> e.series() == art).findFirst().orElseThrow();
        assertThat(f.caught()).isEqualTo(1);
        assertThat(f.inWindows()).isEqualTo(2);
        assertThat(f.windows().get(0).first().orElseThrow().eventTime()).isEqualTo(w.start());
        assertThat(f.inProbation()).isEqualTo(1);
        assertThat(f.outside()).isEqualTo(1);
        assertThat(report.windowsCaught()).isEqualTo(1);
        assertThat(report.windows()).isEqualTo(10);
        assertThat(report.balanced()).isTrue();
        assertThat(SeriesReport.of(100, 90, 9, data, alerts, 1.0).balanced()).isFalse();
        assertThat(report.toJson()).contains("\"windows_caught\":1", "\"alerts_outside_windows\":1", "\"alerts_in_probation\":1");
    }

    @Test
    void alertParsingTakesEntityAndEventTimeAndSkipsPerRecordAlerts() {
        byte[] windowed = ("{\"key\":\"a\",\"entity\":\"a\",\"event_time\":\"2014-04-11T09:00:00Z\",\"anomaly_score\":1.0,"
                + "\"off\":{\"feature\":\"value\",\"steps_back\":0,\"actual\":5.0,\"expected\":2.0}}").getBytes();
        SeriesReport.Alert a = SeriesReport.Alert.parse(windowed).orElseThrow();
        assertThat(a.entity()).isEqualTo("a");
        assertThat(a.eventTime()).isEqualTo(Instant.parse("2014-04-11T09:00:00Z"));
        assertThat(a.actual()).isEqualTo(5.0);
        assertThat(SeriesReport.Alert.parse("{\"key\":\"r1\",\"score\":3.0}".getBytes())).isEmpty();
    }

    private SeriesDemoData.Series find(String entity) {
        return data.series().stream().filter(s -> s.entity().equals(entity)).findFirst().orElseThrow();
    }

    private static SeriesReport.Alert alert(SeriesDemoData.Series s, Instant t) {
        return new SeriesReport.Alert(s.entity(), t, 1.0, "value", 1.0, 0.0);
    }
}
