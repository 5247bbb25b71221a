package dev.kade.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM of a process benchmark ({@link StreamProcessBenchmark}, {@link SeriesLatencyBenchmark}): the broker
 * ({@link #startBroker}), kade or the pass-through app, its output in a log file, its CPU time read from
 * {@code /proc} (Linux). SIGTERM on {@link #close()}, SIGKILL if it has not exited 30 s later. One place for what
 * both benchmarks did each in their own copy: how a child is started (without the caller's {@code KADE_*} and JVM
 * option variables, so that the parent's environment cannot change what is measured), how the broker is waited for,
 * and how CPU time is read.
 *
 * @param extra what the starter wants to keep with it (the broker's bootstrap address), or empty
 */
record BenchProcess(Process process, Path log, String extra) implements AutoCloseable {
    /** Clock ticks per second of /proc/PID/stat's utime and stime (USER_HZ, 100 on Linux). */
    static final long TICKS = Long.getLong("kade.bench.clockTicks", 100);

    /** Starts {@code cmd}, stdout and stderr to {@code log}. */
    static BenchProcess start(List<String> cmd, Path log, String extra) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("KADE_") || k.equals("JDK_JAVA_OPTIONS")
                || k.equals("JAVA_TOOL_OPTIONS"));
        return new BenchProcess(pb.start(), log, extra);
    }

    /**
     * Starts the KRaft broker ({@link BenchBroker}) in its own JVM, its data under {@code dir/broker}, its log
     * {@code dir/broker.log}, and waits (at most 2 minutes) until it says it is ready. {@link #extra()} is its
     * bootstrap address.
     */
    static BenchProcess startBroker(String classPath, Path dir) throws IOException, InterruptedException {
        int brokerPort = freePort();
        int controllerPort = freePort();
        Path log = dir.resolve("broker.log");
        BenchProcess broker = start(List.of(javaBin(), "-Xmx1g", "-cp", classPath, BenchBroker.class.getName(),
                dir.resolve("broker").toString(), Integer.toString(brokerPort), Integer.toString(controllerPort)), log,
                "127.0.0.1:" + brokerPort);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(log).contains(BenchBroker.READY)) {
            if (!broker.process().isAlive() || System.nanoTime() > deadline) {
                broker.close();
                throw new IllegalStateException("the broker did not start; see " + log + ":\n" + tail(log));
            }
            Thread.sleep(50);
        }
        return broker;
    }

    /** Whether it still runs. */
    boolean isAlive() {
        return process.isAlive();
    }

    /** utime + stime of the whole process (all threads), in clock ticks. */
    long cpuTicks() {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of process " + process.pid(), e);
        }
    }

    /**
     * utime + stime of the JIT compiler threads ({@code C1/C2 CompilerThre...}) and of the garbage collector's
     * threads ({@code GC Thread#N}, {@code G1 ...}), in clock ticks: {@link ThreadCpu#byGroup}'s groups of them.
     */
    long[] jitAndGcTicks() {
        long jit = 0;
        long gc = 0;
        for (Map.Entry<String, Long> e : ThreadCpu.byGroup(process.pid()).entrySet()) {
            if (e.getKey().equals("JIT")) {
                jit += e.getValue();
            } else if (e.getKey().startsWith("GC Thread") || e.getKey().startsWith("G# ")) {
                gc += e.getValue();
            }
        }
        return new long[] {jit, gc};
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The java launcher of the JVM running the benchmark. */
    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A TCP port free now on this machine. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The last 30 lines of a child's log, for an error message. */
    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
