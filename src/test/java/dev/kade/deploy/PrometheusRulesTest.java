package dev.kade.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The alert rules: promtool accepts them and their unit tests pass, every alert tells on-call people
 * what to do, and the Kubernetes PrometheusRule carries exactly the same groups.
 */
class PrometheusRulesTest {

    static final String RULES = "k8s/prometheus/kade-rules.yaml";
    static final String RULE_TESTS = "k8s/prometheus/kade-rules.test.yaml";
    static final String PROMETHEUS_RULE = "k8s/base/prometheusrule.yaml";
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
                "KadeModelReloadFailed", "KadePartitionStalled", "KadeStreamThreadCrashLoop", "KadeBrokerUnreachable");
        assertThat(alerts).allSatisfy(alert -> {
            assertThat(alert.path("labels").path("severity").asString("")).isIn("critical", "warning");
            for (String annotation : List.of("summary", "description", "runbook")) {
                assertThat(alert.path("annotations").path(annotation).asString(""))
                        .as("%s of %s", annotation, alert.get("alert")).isNotBlank();
            }
        });
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

    @Test
    void kubernetesPrometheusRuleHoldsExactlyThePlainRules() {
        JsonNode plain = RepoFiles.yaml(RULES).path("groups");
        JsonNode operator = RepoFiles.yaml(PROMETHEUS_RULE).path("spec").path("groups");

        assertThat(operator)
                .as("%s is stale: run k8s/prometheus/generate-prometheusrule.sh", Path.of(PROMETHEUS_RULE))
                .isEqualTo(plain);
    }
}
