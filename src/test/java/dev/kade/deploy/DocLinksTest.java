package dev.kade.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link in the README and in {@code docs/} leads somewhere: the file it names exists, and
 * its {@code #fragment}, if any, is a heading of that file by GitHub's anchor rules. A failure names the
 * file, line and link. Links to other sites are not fetched (the build runs offline).
 */
class DocLinksTest {

    @Test
    void everyRelativeLinkInTheReadmeAndDocsResolves() {
        Path root = RepoFiles.root();
        List<Path> pages = pages(root);
        assertThat(pages).as("README.md and docs/*.md").contains(root.resolve("README.md"))
                .anyMatch(p -> p.startsWith(root.resolve("docs")));

        List<String> broken = brokenLinks(root, pages, Set.of());

        assertThat(broken).as("broken links in the documentation (file:line: [text](target): why)").isEmpty();
    }

    @Test
    void aMissingFileOrAnchorIsNamedWithItsFileAndLine(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("docs/design"));
        Files.writeString(root.resolve("README.md"), """
                # kade — Kafka Anomaly Detection Engine
                See [training](docs/training.md), [its options](docs/training.md#options) and
                [the demo](docs/demo.md). [Back](#kade--kafka-anomaly-detection-engine), [nowhere](#nowhere),
                [a site](https://example.com/x.md#y), `[code](not/a/link.md)`, [later](docs/design/later.md).
                """);
        Files.writeString(root.resolve("docs/training.md"), """
                # Training
                ## Options
                ```
                ## not a heading
                [not a link](missing.md)
                ```
                [Up](../README.md#kade--kafka-anomaly-detection-engine), [fenced](#not-a-heading),
                [a page that
                wraps](../README.md#wraps)
                """);

        List<String> broken = brokenLinks(root, pages(root), Set.of("docs/design/later.md"));

        assertThat(broken).containsExactly(
                "README.md:3: [the demo](docs/demo.md): no file docs/demo.md",
                "README.md:3: [nowhere](#nowhere): no heading with anchor 'nowhere' in README.md",
                "docs/training.md:7: [fenced](#not-a-heading): no heading with anchor 'not-a-heading' in docs/training.md",
                "docs/training.md:8: [a page that wraps](../README.md#wraps): no heading with anchor 'wraps' in README.md");
    }

    /** README.md and every Markdown file under docs/, in a stable order. */
    static List<Path> pages(Path root) {
        List<Path> pages = new ArrayList<>();
        pages.add(root.resolve("README.md"));
        Path docs = root.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> files = Files.walk(docs)) {
                files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return pages;
    }

    /**
     * The links of {@code pages} that do not resolve, as {@code file:line: [text](target): why}. A link to
     * another site ({@code scheme:}) is skipped; a link to one of {@code pending} (paths from the root) may
     * lack its file.
     */
    static List<String> brokenLinks(Path root, List<Path> pages, Set<String> pending) {
        Map<Path, Set<String>> anchors = new HashMap<>();
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            String name = slashes(root.relativize(page));
            for (Markdown.Link link : Markdown.links(read(page))) {
                String target = link.target();
                if (target.isEmpty() || target.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue;
                }
                int hash = target.indexOf('#');
                String file = URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
                String fragment = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                String resolvedName = slashes(root.relativize(resolved));
                String where = name + ":" + link.line() + ": [" + link.text() + "](" + target + "): ";
                if (!resolved.startsWith(root)) {
                    broken.add(where + "leads outside the repository");
                } else if (!Files.exists(resolved)) {
                    if (!pending.contains(resolvedName)) {
                        broken.add(where + "no file " + resolvedName);
                    }
                } else if (fragment != null && resolvedName.endsWith(".md")
                        && !anchors.computeIfAbsent(resolved, p -> Markdown.anchors(read(p))).contains(fragment)) {
                    broken.add(where + "no heading with anchor '" + fragment + "' in " + resolvedName);
                }
            }
        }
        return broken;
    }

    private static String slashes(Path relative) {
        return relative.toString().replace('\\', '/');
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
