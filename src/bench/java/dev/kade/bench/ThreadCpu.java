package dev.kade.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of a process by group of threads, from {@code /proc/PID/task/TID/stat}, so that {@link StreamProcessBenchmark}
 * can say which of an app's threads (stream thread, producer I/O thread, JIT compiler, GC, Micrometer, HTTP) spend its
 * CPU per record, and not only the process total. Linux only, as the benchmark is.
 */
final class ThreadCpu {
    /** Clock ticks per second of utime and stime (USER_HZ, 100 on Linux). */
    static final long TICKS = Long.getLong("kade.bench.clockTicks", 100);

    private ThreadCpu() {
    }

    /**
     * utime + stime per group of threads, in clock ticks: the thread's name (the kernel keeps its first 15 characters)
     * with digits folded, Kafka Streams' stream threads (named after the client id) as one group. Threads that ended
     * between two readings drop out of the later one (their CPU stays in the process total).
     */
    static Map<String, Long> byGroup(long pid) {
        Map<String, Long> ticks = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(t.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended between listing and reading
                }
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks.merge(group(comm), Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the threads of process " + pid, e);
        }
        return ticks;
    }

    /** A thread's group: its name with digits folded; the stream threads ({@code r<N>-app-<uuid>-StreamThread-<N>}) as one. */
    static String group(String comm) {
        String g = comm.replaceAll("[0-9]+", "#");
        if (g.matches("r#-app-.*|.*-StreamThr.*")) {
            return "stream thread";
        }
        return switch (g) {
            case "C# CompilerThre" -> "JIT";
            case "kafka-producer-" -> "producer I/O";
            default -> g;
        };
    }

    /** µs per record of each group between two readings, largest first, groups under 0.05 µs left out. */
    static String describe(Map<String, Long> first, Map<String, Long> last, long records) {
        List<String> parts = new ArrayList<>();
        last.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), (e.getValue() - first.getOrDefault(e.getKey(), 0L)) * 1e6 / TICKS / records))
                .filter(e -> e.getValue() >= 0.05)
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .forEach(e -> parts.add(String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue())));
        return String.join(", ", parts);
    }
}
