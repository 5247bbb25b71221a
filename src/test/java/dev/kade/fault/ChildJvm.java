package dev.kade.fault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Java main class run as its own process, on this test's class path, its output in a log file; it can
 * be killed with SIGKILL ({@link Process#destroyForcibly()} on Linux) or stopped with SIGTERM
 * ({@link Process#destroy()}).
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ChildJvm start(Path log, Map<String, String> env, String mainClass, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // the child's settings are its arguments and env alone: KADE_* variables of the test's own
        // environment would be read as kade settings
        pb.environment().keySet().removeIf(k -> k.startsWith("KADE_"));
        pb.environment().putAll(env);
        return new ChildJvm(pb.start(), log);
    }

    /** Waits until the log (from {@code fromChar} on) matches; the match, or empty on timeout or exit. */
    Optional<Matcher> awaitLog(Pattern pattern, long fromChar, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.readString(log);
            Matcher m = pattern.matcher(text);
            if (m.find((int) Math.min(fromChar, text.length()))) {
                return Optional.of(m);
            }
            if (!process.isAlive()) {
                return Optional.empty();
            }
            Thread.sleep(20);
        }
        return Optional.empty();
    }

    long logLength() throws IOException {
        return Files.exists(log) ? Files.readString(log).length() : 0;
    }

    Path log() {
        return log;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, and wait until the process is gone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM; the exit code, or -1 when it did not stop within the timeout (it is then killed). */
    int sigterm(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill9();
            return -1;
        }
        return process.exitValue();
    }

    /** Waits for the process to exit on its own; the exit code, or -1 on timeout. */
    int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}
