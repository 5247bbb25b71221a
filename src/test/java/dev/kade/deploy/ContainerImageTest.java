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

    /**
     * Images pulled by the compose demo and deployed by the kustomizations name an exact release (x.y.z) or a
     * digest, never {@code latest}, a bare name or a moving major tag. They are pinned by tag, not digest, because
     * no registry was reachable where this was written, and a digest copied without pulling could not be checked
     * (README, Docker Compose, says how to pin them by digest).
     */
    @Test
    void pulledImagesNameAnExactReleaseOrDigestNeverLatest() {
        List<String> pulled = new java.util.ArrayList<>();
        // YAML anchors on scalars (x-kafka-image: &kafka-image apache/kafka:...) come back as the alias name
        java.util.Map<String, String> anchors = new java.util.HashMap<>();
        Matcher anchor = Pattern.compile("&([\\w-]+) (\\S+)").matcher(RepoFiles.read("docker/compose.yaml"));
        while (anchor.find()) {
            anchors.put(anchor.group(1), anchor.group(2));
        }
        RepoFiles.yaml("docker/compose.yaml").path("services").properties().forEach(e -> {
            if (!e.getValue().has("build")) { // images built here (kade:dev) are not pulled
                String image = e.getValue().path("image").asString("");
                pulled.add(anchors.getOrDefault(image, image));
            }
        });
        for (String k : List.of("k8s/base/kustomization.yaml", "k8s/overlays/production/kustomization.yaml")) {
            RepoFiles.yaml(k).path("images").forEach(i -> pulled.add(i.path("newName").asString(i.path("name").asString())
                    + (i.has("digest") ? "@" + i.path("digest").asString() : ":" + i.path("newTag").asString(""))));
        }

        assertThat(pulled).hasSizeGreaterThanOrEqualTo(6).allMatch(ContainerImageTest::pinned, "an exact release or digest");
    }

    @Test
    void theImageRuleRefusesLatestBareNamesAndMovingTags() {
        assertThat(List.of("apache/kafka:4.4.0", "prom/prometheus:v3.5.0", "registry.example.com:5000/kade/kade:0.1.0",
                "grafana/grafana@sha256:" + "a".repeat(64), "maven:3.9-eclipse-temurin-17@sha256:" + "b".repeat(64)))
                .allMatch(ContainerImageTest::pinned);
        assertThat(List.of("apache/kafka:latest", "apache/kafka", "grafana/grafana:12", "prom/prometheus:v3",
                "registry.example.com:5000/kade/kade", "eclipse-temurin:17-jre")).noneMatch(ContainerImageTest::pinned);
    }

    /** {@code name:x.y.z[-suffix]} (optionally {@code v}x.y.z) or anything {@code @sha256:<64 hex>}. */
    static boolean pinned(String image) {
        return DIGEST.matcher(image).find() || image.matches("[^@\\s]+:v?\\d+\\.\\d+\\.\\d+([-.][\\w.]+)?");
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
