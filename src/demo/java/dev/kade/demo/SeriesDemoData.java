package dev.kade.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The labelled NAB series {@code kade demo --series} ships (MIT, see {@code datasets/NOTICE.md}): one file is one
 * entity, named {@code <category>/<file>} as in NAB's labels; {@code datasets/nab/windows.json} holds their anomaly
 * windows from NAB's {@code combined_windows.json}.
 *
 * <p>Prepares the data the way the NAB benchmark ({@code src/bench/nab/run}) does, so that the demo shows what
 * the benchmark measures: training rows are each file's probationary part only, its first
 * {@code min(floor(15%), 750)} rows (NAB's rule; labels are never an input), and the stream is every row of every
 * file interleaved by time, each entity in its file order. NAB's timestamps carry no zone; like the benchmark (and
 * the model's seasonal profile, zone UTC) they are read as UTC.
 */
final class SeriesDemoData {
    static final String ROOT = "datasets/nab/";
    static final String WINDOWS_RESOURCE = ROOT + "windows.json";

    private static final DateTimeFormatter NAB_TIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();

    /** A labelled anomaly window, both ends inclusive (NAB's scorer counts a detection at either end). */
    record Window(Instant start, Instant end) {
        boolean contains(Instant t) {
            return !t.isBefore(start) && !t.isAfter(end);
        }
    }

    /**
     * One file: its entity, its rows in file order, its probationary part and its labelled windows.
     *
     * @param times  each row's time (epoch ms, UTC)
     * @param stamps each row's timestamp as written in the file
     * @param values each row's value as written in the file
     */
    record Series(String entity, long[] times, List<String> stamps, List<String> values, int probationary,
                  List<Window> windows) {
        int rows() {
            return times.length;
        }

        /** The end of the probationary part: the time of its first row after it (NAB ignores detections before). */
        Instant probationEnd() {
            return Instant.ofEpochMilli(times[Math.min(probationary, times.length - 1)]);
        }
    }

    /** One record of the interleaved stream: a row of one entity, with its own time as the record's event time. */
    record Row(Series series, int row) {
        long eventTime() {
            return series.times[row];
        }
    }

    private final List<Series> series;

    private SeriesDemoData(List<Series> series) {
        this.series = List.copyOf(series);
    }

    /** The shipped series, in the order of the windows file. */
    static SeriesDemoData shipped() {
        JsonNode windows = readJson(WINDOWS_RESOURCE);
        List<Series> all = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = windows.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            List<Window> ws = new ArrayList<>();
            for (JsonNode w : e.getValue()) {
                ws.add(new Window(parseTime(w.get(0).asText()), parseTime(w.get(1).asText())));
            }
            all.add(readSeries(e.getKey(), ws));
        }
        return new SeriesDemoData(all);
    }

    List<Series> series() {
        return series;
    }

    int rows() {
        return series.stream().mapToInt(Series::rows).sum();
    }

    /** NAB's probationary length: the first 15% of the rows, at most 750 (15% of NAB's 5000-row reference). */
    static int probationary(int rows) {
        return (int) Math.min(Math.floor(0.15 * rows), 750);
    }

    /**
     * Writes the training file the benchmark writes, long format {@code entity,timestamp,value}: each series'
     * probationary rows only.
     */
    void writeTrainingCsv(Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("entity,timestamp,value\n");
            for (Series s : series) {
                for (int i = 0; i < s.probationary(); i++) {
                    w.write(s.entity() + "," + s.stamps().get(i) + "," + s.values().get(i) + "\n");
                }
            }
        }
    }

    /**
     * Every row of every series, interleaved by time as the benchmark replays them: ordered by the newest time
     * its entity has reached (so each entity keeps its file order where NAB's timestamps repeat or step back, and
     * the stream sees such a row as late, as it would in production), then by series, then by row.
     */
    List<Row> interleaved() {
        record Keyed(long newest, int file, Row row) {
        }
        List<Keyed> keyed = new ArrayList<>(rows());
        for (int f = 0; f < series.size(); f++) {
            Series s = series.get(f);
            long newest = Long.MIN_VALUE;
            for (int i = 0; i < s.rows(); i++) {
                newest = Math.max(newest, s.times()[i]);
                keyed.add(new Keyed(newest, f, new Row(s, i)));
            }
        }
        keyed.sort(Comparator.comparingLong(Keyed::newest).thenComparingInt(Keyed::file)
                .thenComparingInt(k -> k.row().row()));
        return keyed.stream().map(Keyed::row).toList();
    }

    /** A NAB timestamp ({@code yyyy-MM-dd HH:mm:ss[.ffffff]}, no zone) read as UTC. */
    static Instant parseTime(String text) {
        return LocalDateTime.parse(text.trim(), NAB_TIME).toInstant(ZoneOffset.UTC);
    }

    /** An instant written as NAB writes times, to the minute (the demo's report). */
    static String format(Instant t) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC).format(t);
    }

    private static Series readSeries(String name, List<Window> windows) {
        String resource = ROOT + name;
        List<String> stamps = new ArrayList<>();
        List<String> values = new ArrayList<>();
        try (InputStream in = open(resource);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String header = r.readLine();
            if (header == null || !header.trim().equals("timestamp,value")) {
                throw new IllegalStateException(resource + ": expected the header timestamp,value, got " + header);
            }
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                int comma = line.indexOf(',');
                stamps.add(line.substring(0, comma).trim());
                values.add(line.substring(comma + 1).trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long[] times = stamps.stream().mapToLong(s -> parseTime(s).toEpochMilli()).toArray();
        String entity = name.endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
        return new Series(entity, times, List.copyOf(stamps), List.copyOf(values), probationary(times.length), windows);
    }

    private static JsonNode readJson(String resource) {
        try (InputStream in = open(resource)) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(String resource) {
        InputStream in = SeriesDemoData.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("demo data " + resource + " is not on the class path");
        }
        return in;
    }
}
