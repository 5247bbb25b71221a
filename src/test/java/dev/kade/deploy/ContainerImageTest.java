package dev.kade.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The two ways to build the image agree and are reproducible: every base image is pinned by digest, and the
 * Dockerfile's runtime base is the Jib build's ({@code kade.image.base} in pom.xml). The image itself is
 * built and checked by {@code .ci/image-check.sh}.
 */
class ContainerImageTest {
    static final Pattern DIGEST = Pattern.compile("@sha256:[0-9a-f]{64}");

    @Test
    void everyDockerfileBaseIsPinnedByDigest() {
        List<String> froms = RepoFiles.read("docker/Dockerfile").lines().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(froms).hasSize(2);
        assertThat(froms).allMatch(l -> DIGEST.matcher(l).find(), "pinned by digest");
    }

    @Test
    void dockerfileRunsOnTheJibBase() {
        Matcher m = Pattern.compile("<kade.image.base>([^<]+)</kade.image.base>").matcher(RepoFiles.read("pom.xml"));
        assertThat(m.find()).isTrue();
        String jibBase = m.group(1);
        assertThat(jibBase).containsPattern(DIGEST);
        List<String> froms = RepoFiles.read("docker/Dockerfile").lines().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(froms.get(froms.size() - 1)).isEqualTo("FROM " + jibBase);
    }
}
