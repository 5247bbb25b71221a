package dev.kade.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The alert rules: promtool accepts them and their unit tests pass, every alert tells on-call people
 * what happened and links to the README section that says what to do, and the Kubernetes
 * PrometheusRule carries exactly the same groups.
 */
class PrometheusRulesTest {

    static final String RULES = "k8s/prometheus/kade-rules.yaml";
    static final String RULE_TESTS = "k8s/prometheus/kade-rules.test.yaml";
    static final String PROMETHEUS_RULE = "k8s/base/prometheusrule.yaml";
    private static final Pattern HEADING = Pattern.compile("#{1,6}\\s+(.+?)\\s*#*");
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
                "KadeConsumerGroupLagGrowing");
        assertThat(alerts).allSatisfy(alert -> {
            assertThat(alert.path("labels").path("severity").asString("")).isIn("critical", "warning");
            for (String annotation : List.of("summary", "description", "runbook_url")) {
                assertThat(alert.path("annotations").path(annotation).asString(""))
                        .as("%s of %s", annotation, alert.get("alert")).isNotBlank();
            }
        });
    }

    @Test
    void everyRunbookUrlPointsAtASectionOfTheReadme() {
        Set<String> anchors = readmeAnchors(RepoFiles.read("README.md"));
        Set<String> bases = new TreeSet<>();
        List<String> unresolved = new ArrayList<>();
        alerts().forEach(alert -> {
            String url = alert.path("annotations").path("runbook_url").asString("");
            int hash = url.indexOf('#');
            String base = hash < 0 ? url : url.substring(0, hash);
            bases.add(base);
            if (!base.matches("https://[^\\s#]+/README\\.md") || hash < 0 || !anchors.contains(url.substring(hash + 1))) {
                unresolved.add(alert.get("alert").asString() + " -> '" + url + "'");
            }
        });

        assertThat(unresolved).as("runbook_url not an https URL of README.md with an anchor among its headings %s",
                anchors).isEmpty();
        assertThat(bases).as("one base URL for every runbook (the README's section Runbooks says how to change it)")
                .hasSize(1);
    }

    @Test
    void readmeAnchorsFollowGitHubsRules() {
        Set<String> anchors = readmeAnchors("""
                # kade — Kafka Anomaly Detection Engine
                ```sh
                # a comment in a code block, not a heading
                ```
                ### Scoring a Kafka stream: `kade run`
                ##### KadeNoInstanceReady
                ## Notes
                ## Notes
                """);

        assertThat(anchors).containsExactlyInAnyOrder("kade--kafka-anomaly-detection-engine",
                "scoring-a-kafka-stream-kade-run", "kadenoinstanceready", "notes", "notes-1");
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

    private static List<JsonNode> alerts() {
        List<JsonNode> alerts = new ArrayList<>();
        RepoFiles.yaml(RULES).path("groups").forEach(g -> g.path("rules").forEach(r -> {
            if (r.has("alert")) {
                alerts.add(r);
            }
        }));
        return alerts;
    }

    /**
     * The anchors GitHub gives a Markdown file's headings: the heading text without inline code marks,
     * in lower case, with everything but letters, digits, spaces, hyphens and underscores removed and
     * spaces turned into hyphens; a repeated anchor gets -1, -2, ... Lines in fenced code blocks are no
     * headings.
     */
    static Set<String> readmeAnchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean inFence = false;
        for (String line : markdown.split("\\R")) {
            if (line.startsWith("```")) {
                inFence = !inFence;
                continue;
            }
            Matcher heading = HEADING.matcher(line);
            if (inFence || !heading.matches()) {
                continue;
            }
            String slug = heading.group(1).strip().replace("`", "").toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum);
            anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
        }
        return anchors;
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
