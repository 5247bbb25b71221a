package dev.kade.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The compose demo cannot be started here (no Docker engine); this checks that its pieces fit:
 * every bind-mounted file exists, kade runs as in Kubernetes, and Prometheus loads the tested rules.
 */
class ComposeDemoTest {

    private final JsonNode compose = RepoFiles.yaml("docker/compose.yaml");
    private final JsonNode services = compose.path("services");

    @Test
    void everyBindMountedFileExists() {
        List<String> missing = new ArrayList<>();
        services.properties().forEach(service -> service.getValue().path("volumes").forEach(volume -> {
            String source = volume.asString().split(":")[0];
            if (source.startsWith(".") && !Files.exists(RepoFiles.path("docker").resolve(source).normalize())) {
                missing.add(service.getKey() + ": " + source);
            }
        }));
        assertThat(missing).isEmpty();
    }

    @Test
    void kadeRunsReadOnlyWithWritableTmpAndStateDirAsInKubernetes() {
        JsonNode kade = services.path("kade");
        Properties config = RepoFiles.properties(RepoFiles.read("docker/kade.properties"));

        assertThat(kade.path("read_only").asBoolean()).isTrue();
        assertThat(strings(kade.path("tmpfs"))).contains("/tmp", config.getProperty("kafka.state.dir"));
        assertThat(strings(kade.path("cap_drop"))).containsExactly("ALL");
        assertThat(kade.path("depends_on").path("kade-train").path("condition").asString())
                .isEqualTo("service_completed_successfully");
        assertThat(strings(services.path("kade-train").path("command")))
                .as("kade-train writes the model kade reads").contains(config.getProperty("model.path"));
        assertThat(strings(kade.path("ports"))).contains(config.getProperty("metrics.port") + ":9404");
    }

    @Test
    void prometheusLoadsTheTestedRulesAndScrapesKade() {
        JsonNode prometheus = RepoFiles.yaml("docker/prometheus.yml");
        String ruleFile = prometheus.path("rule_files").get(0).asString();

        assertThat(strings(services.path("prometheus").path("volumes")))
                .contains("../" + PrometheusRulesTest.RULES + ":" + ruleFile + ":ro");
        assertThat(prometheus.path("scrape_configs").get(0).path("static_configs").get(0).path("targets").get(0)
                .asString()).isEqualTo("kade:" + RepoFiles.properties(RepoFiles.read("docker/kade.properties"))
                        .getProperty("metrics.port"));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asString()));
        return values;
    }
}
