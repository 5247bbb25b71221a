package dev.kade.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22: a table of measured figures goes stale when the code it measured changes. Every figure table in the
 * pages that report measurements carries a record of where it came from, an HTML comment above it (invisible on
 * GitHub):
 *
 * <pre>{@code <!-- measured: commit=65e81f1 paths=src/bench/java/dev/kade/bench/StreamProcessBenchmark.java,src/main/java/dev/kade/stream command=src/bench/stream-process/run -->}</pre>
 *
 * <p>The commit the figures were measured at, the files and folders whose code they measure (the benchmark and the
 * record path), and the command that regenerates them. A record ending in {@code historical} marks a table kept for
 * the record although its code has changed since; the next line that is not blank must say so in words
 * ("historical"). Checks: every figure table (a table with a decimal figure) has a record in its section; every
 * record names a commit, a command and paths that exist; and, where git history is available, nothing under a
 * non-historical record's paths changed between its commit and HEAD. In a shallow clone (or without git) the last
 * check is skipped with a message.
 */
class FigureRecordsTest {
    /** The pages that report measured figures. */
    static final List<String> FIGURE_PAGES = List.of("README.md", "docs/performance.md", "docs/quality.md",
            "docs/time-series.md", "docs/operations.md", "docs/training.md", "docs/alerting.md", "docs/model-lifecycle.md",
            "docs/input-formats.md", "docs/demo.md", "docs/output-formats.md", "docs/configuration.md",
            "docs/model-contract.md", "docs/deploy-notes.md", "docs/runbooks.md", "docs/architecture.md");
    static final Pattern RECORD = Pattern.compile(
            "<!-- measured: commit=([0-9a-f]{7,40}) paths=(\\S+) command=(.+?)( historical)? -->");
    private static final Pattern FIGURE_CELL = Pattern.compile(
            "\\**[~≈]?-?[\\d,]*\\d\\.\\d+\\**\\s*(%|×|x|s|ms|µs|M|KiB|MiB)?\\s*([(\\[].*[)\\]])?");

    /** One record: page, 1-based line, commit, paths, command, whether marked historical. */
    record FigureRecord(String page, int line, String commit, List<String> paths, String command, boolean historical) {
        String where() {
            return page + ":" + line;
        }
    }

    @Test
    void everyFigureTableCarriesACommitPathsAndACommandThatExist() {
        Path root = RepoFiles.root();
        List<String> problems = new ArrayList<>();
        List<FigureRecord> records = new ArrayList<>();
        for (String page : FIGURE_PAGES) {
            records.addAll(check(root, page, problems));
        }
        assertThat(problems).as("figure tables without a record, or records that are incomplete").isEmpty();
        assertThat(records).as("records found").hasSizeGreaterThan(5);
    }

    @Test
    void noRecordedCodeChangedSinceItsFiguresWereMeasured() {
        Path root = RepoFiles.root();
        Optional<String> why = gitHistoryMissing(root);
        Assumptions.assumeTrue(why.isEmpty(), () -> "skipped: " + why.orElse("") + "; the staleness of figure tables "
                + "is checked where the repository's history is available (a full clone)");
        List<String> stale = new ArrayList<>();
        for (String page : FIGURE_PAGES) {
            for (FigureRecord r : check(root, page, new ArrayList<>())) {
                if (!r.historical()) {
                    staleness(root, r).ifPresent(stale::add);
                }
            }
        }
        assertThat(stale).as("figures measured on code that has changed since: re-run the command and update the table "
                + "and its commit, or mark the record historical and say so under it").isEmpty();
    }

    @Test
    void aTableWithoutARecordAndAnIncompleteRecordAreNamed(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("docs"));
        Files.createDirectories(root.resolve("src/bench"));
        Files.writeString(root.resolve("docs/performance.md"), """
                # Performance
                ## Measured
                <!-- measured: commit=abc1234 paths=src/bench command=src/bench/run -->
                | a | b |
                |---|---:|
                | x | 1.25 |
                | y | 2.5 [2.1–2.9] |
                ## Unrecorded
                | a | b |
                |---|---:|
                | x | 2.5 |
                | y | **0.43** |
                ## Settings
                | key | default |
                |---|---|
                | batch | 256 |
                | quantile | 0.995 |
                | rate | 0.5 |
                ## Historical without saying so
                <!-- measured: commit=abc1234 paths=src/gone command=src/bench/run historical -->

                | a | b |
                |---|---:|
                | y | 0.75 |
                | z | 12.5 s |
                """);
        List<String> problems = new ArrayList<>();
        List<FigureRecord> records = check(root, "docs/performance.md", problems);
        assertThat(records).extracting(FigureRecord::commit).containsExactly("abc1234", "abc1234");
        assertThat(problems).containsExactlyInAnyOrder(
                "docs/performance.md:9: a figure table with no <!-- measured: ... --> record in its section",
                "docs/performance.md:20: path src/gone does not exist",
                "docs/performance.md:20: a historical record must be followed by a line that says 'historical'");
    }

    @Test
    void aRecordWhoseCodeChangedIsStaleAndOneWhoseCodeDidNotIsNot(@TempDir Path repo) throws Exception {
        Assumptions.assumeTrue(git(repo, "init", "-q").isPresent(), "skipped: no git on this machine");
        git(repo, "config", "user.email", "t@example.com");
        git(repo, "config", "user.name", "t");
        Files.createDirectories(repo.resolve("bench"));
        Files.writeString(repo.resolve("bench/B.java"), "class B {}\n");
        Files.writeString(repo.resolve("other.txt"), "1\n");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "one");
        String measured = git(repo, "rev-parse", "--short", "HEAD").orElseThrow().trim();
        Files.writeString(repo.resolve("other.txt"), "2\n");
        git(repo, "commit", "-q", "-am", "two");
        FigureRecord r = new FigureRecord("docs/x.md", 3, measured, List.of("bench"), "run", false);
        assertThat(staleness(repo, r)).isEmpty();
        Files.writeString(repo.resolve("bench/B.java"), "class B { int x; }\n");
        git(repo, "commit", "-q", "-am", "three");
        assertThat(staleness(repo, r)).hasValueSatisfying(s -> assertThat(s)
                .startsWith("docs/x.md:3: measured at " + measured).contains("bench/B.java"));
    }

    /** The records of one page; adds to {@code problems} each figure table without one and each bad record. */
    static List<FigureRecord> check(Path root, String page, List<String> problems) {
        List<String> lines;
        try {
            lines = Files.readAllLines(root.resolve(page), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<FigureRecord> records = new ArrayList<>();
        boolean recordInSection = false;
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            if (line.startsWith("#")) {
                recordInSection = false;
            }
            if (line.contains("<!-- measured:")) {
                Matcher m = RECORD.matcher(line);
                if (!m.find()) {
                    problems.add(page + ":" + (i + 1) + ": a record needs commit=HEX paths=A,B command=... : " + line.trim());
                    continue;
                }
                FigureRecord r = new FigureRecord(page, i + 1, m.group(1), List.of(m.group(2).split(",")), m.group(3).trim(),
                        m.group(4) != null);
                for (String p : r.paths()) {
                    if (!Files.exists(root.resolve(p))) {
                        problems.add(r.where() + ": path " + p + " does not exist");
                    }
                }
                if (r.historical() && !nextTextLine(lines, i).toLowerCase(java.util.Locale.ROOT).contains("historical")) {
                    problems.add(r.where() + ": a historical record must be followed by a line that says 'historical'");
                }
                records.add(r);
                recordInSection = true;
            }
            boolean tableStart = line.startsWith("|") && i + 1 < lines.size() && lines.get(i + 1).matches("\\|[-:| ]+\\|?\\s*");
            if (tableStart && isFigureTable(lines, i) && !recordInSection) {
                problems.add(page + ":" + (i + 1) + ": a figure table with no <!-- measured: ... --> record in its section");
            }
        }
        return records;
    }

    /**
     * A table (header at {@code header}) with at least two body cells that are a measured number: a decimal figure,
     * bold or not, with an optional unit and an optional range in brackets or parentheses after it. Settings tables
     * (a {@code default} column, values in backticks, counts such as "6 with mix") are not figure tables.
     */
    private static boolean isFigureTable(List<String> lines, int header) {
        if (lines.get(header).toLowerCase(java.util.Locale.ROOT).matches(".*\\|\\s*default\\s*\\|.*")) {
            return false;
        }
        int figures = 0;
        for (int j = header + 2; j < lines.size() && lines.get(j).startsWith("|"); j++) {
            for (String cell : lines.get(j).split("(?<!\\\\)\\|")) {
                if (FIGURE_CELL.matcher(cell.trim()).matches()) {
                    figures++;
                }
            }
        }
        return figures >= 2;
    }

    private static String nextTextLine(List<String> lines, int from) {
        for (int j = from + 1; j < lines.size(); j++) {
            if (!lines.get(j).isBlank()) {
                return lines.get(j);
            }
        }
        return "";
    }

    /** Why a record is stale (the files under its paths that changed since its commit), or empty. */
    static Optional<String> staleness(Path repo, FigureRecord r) {
        if (git(repo, "cat-file", "-e", r.commit() + "^{commit}").isEmpty()) {
            return Optional.of(r.where() + ": commit " + r.commit() + " is not in this repository's history");
        }
        List<String> args = new ArrayList<>(List.of("diff", "--name-only", r.commit(), "HEAD", "--"));
        args.addAll(r.paths());
        String changed = git(repo, args.toArray(String[]::new)).orElse("(git diff failed)").trim();
        if (changed.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(r.where() + ": measured at " + r.commit() + ", but changed since: "
                + String.join(", ", changed.lines().limit(8).toList()) + (changed.lines().count() > 8 ? ", ..." : "")
                + "; command: " + r.command());
    }

    /** Why the history cannot be read here, or empty when it can. */
    private static Optional<String> gitHistoryMissing(Path root) {
        Optional<String> shallow = git(root, "rev-parse", "--is-shallow-repository");
        if (shallow.isEmpty()) {
            return Optional.of("no git repository or no git at " + root);
        }
        return shallow.get().trim().equals("true") ? Optional.of("a shallow clone") : Optional.empty();
    }

    /** Runs git in {@code dir}; its standard output, or empty when it failed. */
    private static Optional<String> git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
