package dev.kade.deploy;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A command-line tool the deployment checks need (kubectl, promtool). Where it is missing the
 * calling test is skipped with a message saying how to install it, except under CI (env {@code CI}
 * set), where a missing tool fails the test: CI must not pass by skipping.
 */
final class ExternalTool {

    private static final long TIMEOUT_SECONDS = 120;

    private final Path executable;

    private ExternalTool(Path executable) {
        this.executable = executable;
    }

    /** Finds {@code name} on the PATH, or skips (fails under CI) naming {@code installHint}. */
    static ExternalTool require(String name, String installHint) {
        Objects.requireNonNull(name, "name");
        Optional<Path> found = onPath(name);
        if (found.isEmpty()) {
            String message = name + " is not on the PATH; install it with: " + installHint;
            if (System.getenv("CI") != null) {
                fail(message + " (CI is set, so this is a failure, not a skip)");
            }
            Assumptions.abort(message);
        }
        return new ExternalTool(found.get());
    }

    private static Optional<Path> onPath(String name) {
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
        return Arrays.stream(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Runs the tool in {@code workDir}; returns stdout, or fails with exit code, stdout and stderr. */
    String run(Path workDir, String... args) {
        Result result = runForResult(workDir, args);
        if (result.exitCode() != 0) {
            fail("%s %s exited with %d%nstdout:%n%s%nstderr:%n%s", executable, String.join(" ", args),
                    result.exitCode(), result.stdout(), result.stderr());
        }
        return result.stdout();
    }

    Result runForResult(Path workDir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("kade-tool", ".out");
            Path err = Files.createTempFile("kade-tool", ".err");
            try {
                Process process = new ProcessBuilder(command).directory(workDir.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    fail("%s timed out after %d s", String.join(" ", command), TIMEOUT_SECONDS);
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Result(int exitCode, String stdout, String stderr) {}
}
