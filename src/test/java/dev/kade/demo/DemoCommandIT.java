package dev.kade.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs `kade demo` in-process, as the README's first command does, on a shorter stream. */
class DemoCommandIT {

    @Test
    void demoEndsWithABalancedSummaryThatFindsTheKnownAnomalies(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            exit = Main.commandLine().execute("demo", "--records", "4000", "--metrics-port", "0",
                    "--work-dir", dir.toString());
        } finally {
            System.setOut(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.println(text);
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        JsonNode summary = new ObjectMapper().readTree(lines.get(lines.size() - 1));

        assertThat(exit).isZero();
        assertThat(summary.get("records_in").asLong()).isEqualTo(4000);
        assertThat(summary.get("scored").asLong() + summary.get("dead_lettered").asLong())
                .isEqualTo(summary.get("records_in").asLong());
        // every 50th record is malformed on purpose: 80 of 4000
        assertThat(summary.get("dead_lettered").asLong()).isEqualTo(80);
        assertThat(summary.get("recall").asDouble()).isGreaterThanOrEqualTo(0.9);
        assertThat(summary.get("precision").asDouble()).isGreaterThanOrEqualTo(0.8);
        assertThat(summary.get("alerts").asLong()).isPositive();
        assertThat(dir.resolve("model.onnx")).isRegularFile();
    }

    /**
     * The time-series mode on its shipped NAB series, whole: a windowed model trained on the probationary parts,
     * every row through the real scorer on a broker, alerts matched to NAB's labelled windows.
     */
    @Test
    void seriesDemoScoresEveryRecordAndCatchesALabelledWindow(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            exit = Main.commandLine().execute("demo", "--series", "--metrics-port", "0", "--work-dir", dir.toString());
        } finally {
            System.setOut(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.println(text);
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        JsonNode summary = new ObjectMapper().readTree(lines.get(lines.size() - 1));

        assertThat(exit).isZero();
        assertThat(summary.get("mode").asText()).isEqualTo("series");
        long rows = 0;
        for (JsonNode e : summary.get("entities")) {
            rows += e.get("rows").asLong();
        }
        // the four shipped series, whole, plus one malformed record after every 50th row
        assertThat(rows).isEqualTo(22695 + 7267 + 4032 + 4032);
        assertThat(summary.get("records_in").asLong()).isEqualTo(rows + rows / 50);
        assertThat(summary.get("scored").asLong() + summary.get("dead_lettered").asLong())
                .isEqualTo(summary.get("records_in").asLong());
        assertThat(summary.get("dead_lettered").asLong()).isGreaterThanOrEqualTo(rows / 50);
        assertThat(summary.get("windows").asLong()).isEqualTo(10);
        assertThat(summary.get("windows_caught").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(summary.get("alerts").asLong()).isGreaterThanOrEqualTo(summary.get("alerts_in_windows").asLong()
                + summary.get("alerts_outside_windows").asLong());
        assertThat(text).contains("caught at");
        assertThat(dir.resolve("model.onnx")).isRegularFile();
    }

    @Test
    void seriesDemoRefusesPerRecordOptions() {
        int exit = Main.commandLine().execute("demo", "--series", "--records", "100");
        assertThat(exit).isEqualTo(2);
    }
}
