package dev.kade.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The alert rules: promtool accepts them and their unit tests pass, every alert tells on-call people
 * what happened and links to its section of docs/runbooks.md, a deployment can point those links at its
 * own copy of the runbooks, and the Kubernetes PrometheusRule carries exactly the same groups.
 */
class PrometheusRulesTest {

    static final String RULES = "k8s/prometheus/kade-rules.yaml";
    static final String RULE_TESTS = "k8s/prometheus/kade-rules.test.yaml";
    static final String PROMETHEUS_RULE = "k8s/base/prometheusrule.yaml";
    static final String RUNBOOKS = "docs/runbooks.md";
    /** The overlay whose ConfigMap kade-runbook-url sets the runbook links' base (k8s/components/runbook-url). */
    static final String RUNBOOK_URL_OVERLAY = "k8s/overlays/production";
    private static final String KUBECTL_HINT =
            "apt-get install kubectl (Kubernetes' apt repository) or any kubectl >= 1.27 with built-in kustomize";
    private static final String PROMTOOL_HINT = "apt-get install -y --no-install-recommends prometheus";

    @Test
    void promtoolAcceptsTheRules() {
        ExternalTool promtool = ExternalTool.require("promtool", PROMTOOL_HINT);
        assertThat(promtool.run(RepoFiles.root(), "check", "rules", RULES)).contains("SUCCESS");
    }

    @Test
    void promtoolUnitTestsOfTheRulesPass() {
        ExternalTool promtool = ExternalTool.require("promtool", PROMTOOL_HINT);
        assertThat(promtool.run(RepoFiles.root(), "test", "rules", RULE_TESTS)).contains("SUCCESS");
    }

    @Test
    void everyAlertHasASeverityAndTellsOnCallWhatHappenedAndWhatToDo() {
        List<JsonNode> alerts = new ArrayList<>();
        RepoFiles.yaml(RULES).path("groups").forEach(g -> g.path("rules").forEach(r -> {
            if (r.has("alert")) {
                alerts.add(r);
            }
        }));

        assertThat(alerts).extracting(a -> a.get("alert").asString()).contains("KadeNoInstanceReady",
                "KadeMetricsAbsent", "KadeAnomalyRateHigh", "KadeDeadLetters", "KadeConsumerLagGrowing",
                "KadeModelReloadFailed", "KadePartitionStalled", "KadeStreamThreadCrashLoop", "KadeBrokerUnreachable",
                "KadeConsumerGroupLagGrowing", "KadeIncidentStorm", "KadeFeedbackPrecisionLow", "KadeShadowDisagrees",
                "KadeShadowRefused");
        assertThat(alerts).allSatisfy(alert -> {
            assertThat(alert.path("labels").path("severity").asString("")).isIn("critical", "warning");
            for (String annotation : List.of("summary", "description", "runbook_url")) {
                assertThat(alert.path("annotations").path(annotation).asString(""))
                        .as("%s of %s", annotation, alert.get("alert")).isNotBlank();
            }
        });
    }

    @Test
    void everyRunbookUrlPointsAtItsAlertsSectionOfTheRunbooks() {
        Set<String> anchors = Markdown.anchors(RepoFiles.read(RUNBOOKS));
        Set<String> bases = new TreeSet<>();
        List<String> unresolved = new ArrayList<>();
        alerts(RepoFiles.yaml(RULES).path("groups")).forEach(alert -> {
            String name = alert.get("alert").asString();
            String url = alert.path("annotations").path("runbook_url").asString("");
            int hash = url.indexOf('#');
            String base = hash < 0 ? url : url.substring(0, hash);
            bases.add(base);
            if (!base.matches("https://[^\\s#]+/docs/runbooks\\.md") || hash < 0
                    || !url.substring(hash + 1).equals(name.toLowerCase(Locale.ROOT))
                    || !anchors.contains(url.substring(hash + 1))) {
                unresolved.add(name + " -> '" + url + "'");
            }
        });

        assertThat(unresolved).as("runbook_url not an https URL of docs/runbooks.md with the alert's own heading "
                + "among its headings %s", anchors).isEmpty();
        assertThat(bases).as("one base URL for every runbook (docs/runbooks.md, Runbook links, says how to change it)")
                .hasSize(1);
    }

    @Test
    void theProductionOverlayPointsEveryRunbookUrlAtItsConfiguredBase() throws IOException {
        String configured = runbookBase(RepoFiles.path(RUNBOOK_URL_OVERLAY));
        // Every overlay builds on production (directly or through another overlay) and inherits its base URL.
        List<Rendered> renders = KubernetesManifestsTest.kadeKustomizations().filter(k -> k.startsWith("k8s/overlays/"))
                .map(k -> render(RepoFiles.root(), k)).toList();
        assertThat(renders).extracting(Rendered::kustomization).contains(RUNBOOK_URL_OVERLAY, "k8s/overlays/strimzi");

        for (Rendered rendered : renders) {
            assertThat(rendered.runbookUrls()).as(rendered.kustomization()).isNotEmpty()
                    .allSatisfy((alert, url) -> assertThat(url).isEqualTo(configured + "#" + alert.toLowerCase(Locale.ROOT)));
            assertThat(rendered.yaml()).as("the local-config ConfigMap stays out of what is applied")
                    .doesNotContain("kade-runbook-url");
        }
    }

    @Test
    void anOverlayWithAnotherRunbookBaseRewritesEveryAlertsLink(@TempDir Path copy) throws IOException {
        copyTree(RepoFiles.path("k8s"), copy.resolve("k8s"));
        String mine = "https://git.internal.test/platform/kade/blob/v9.9.9/docs/runbooks.md";
        Path file = copy.resolve(RUNBOOK_URL_OVERLAY).resolve("runbook-url.yaml");
        String before = Files.readString(file);
        Files.writeString(file, before.replace(runbookBase(RepoFiles.path(RUNBOOK_URL_OVERLAY)), mine));
        assertThat(runbookBase(copy.resolve(RUNBOOK_URL_OVERLAY))).isEqualTo(mine);

        Map<String, String> urls = render(copy, RUNBOOK_URL_OVERLAY).runbookUrls();

        assertThat(urls.keySet()).as("every alert of the rules file")
                .containsExactlyInAnyOrderElementsOf(alerts(RepoFiles.yaml(RULES).path("groups"))
                        .stream().map(a -> a.get("alert").asString()).toList());
        assertThat(urls).allSatisfy((alert, url) -> assertThat(url).isEqualTo(mine + "#" + alert.toLowerCase(Locale.ROOT)));
    }

    @Test
    void anchorsFollowGitHubsRules() {
        Set<String> anchors = Markdown.anchors("""
                # kade — Kafka Anomaly Detection Engine
                ```sh
                # a comment in a code block, not a heading
                ```
                ### Scoring a Kafka stream: `kade run`
                ##### KadeNoInstanceReady
                ## Notes
                ## Notes
                ## See [the design](design.md)
                """);

        assertThat(anchors).containsExactlyInAnyOrder("kade--kafka-anomaly-detection-engine",
                "scoring-a-kafka-stream-kade-run", "kadenoinstanceready", "notes", "notes-1", "see-the-design");
    }

    @Test
    void everyAlertIsCoveredByAUnitTest() {
        List<String> tested = new ArrayList<>();
        RepoFiles.yaml(RULE_TESTS).path("tests").forEach(t -> t.path("alert_rule_test").forEach(a -> {
            if (!a.path("exp_alerts").isEmpty()) {
                tested.add(a.get("alertname").asString());
            }
        }));
        List<String> alerts = new ArrayList<>();
        RepoFiles.yaml(RULES).path("groups").forEach(g -> g.path("rules").forEach(r -> {
            if (r.has("alert")) {
                alerts.add(r.get("alert").asString());
            }
        }));

        assertThat(tested).as("alerts with a test case where they fire").containsAll(alerts);
    }

    /** The alerting rules (not the recording rules) of a {@code groups} node. */
    private static List<JsonNode> alerts(JsonNode groups) {
        List<JsonNode> alerts = new ArrayList<>();
        groups.forEach(g -> g.path("rules").forEach(r -> {
            if (r.has("alert")) {
                alerts.add(r);
            }
        }));
        return alerts;
    }

    /** The url of the overlay's local-config ConfigMap kade-runbook-url. */
    private static String runbookBase(Path overlay) {
        JsonNode configMap = RepoFiles.yamlDocuments(read(overlay.resolve("runbook-url.yaml"))).get(0);
        assertThat(configMap.path("metadata").path("name").asString()).isEqualTo("kade-runbook-url");
        assertThat(configMap.path("metadata").path("annotations").path("config.kubernetes.io/local-config").asString())
                .isEqualTo("true");
        return configMap.path("data").path("url").asString();
    }

    /** A kustomization rendered by kubectl, with the runbook_url of each alert of its PrometheusRule. */
    record Rendered(String kustomization, String yaml, Map<String, String> runbookUrls) {}

    private static Rendered render(Path root, String kustomization) {
        String yaml = ExternalTool.require("kubectl", KUBECTL_HINT).run(root, "kustomize", kustomization);
        Map<String, String> urls = new LinkedHashMap<>();
        RepoFiles.yamlDocuments(yaml).stream()
                .filter(doc -> doc.path("kind").asString("").equals("PrometheusRule"))
                .forEach(rule -> alerts(rule.path("spec").path("groups")).forEach(alert ->
                        urls.put(alert.get("alert").asString(), alert.path("annotations").path("runbook_url").asString(""))));
        return new Rendered(kustomization, yaml, urls);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void kubernetesPrometheusRuleHoldsExactlyThePlainRules() {
        JsonNode plain = RepoFiles.yaml(RULES).path("groups");
        JsonNode operator = RepoFiles.yaml(PROMETHEUS_RULE).path("spec").path("groups");

        assertThat(operator)
                .as("%s is stale: run k8s/prometheus/generate-prometheusrule.sh", Path.of(PROMETHEUS_RULE))
                .isEqualTo(plain);
    }
}
