package dev.kade.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The provisioned Grafana dashboard: well-formed, bound to its templated data source only, and
 * showing what on-call needs. Its PromQL is evaluated against a real Prometheus by
 * .ci/prometheus-e2e.sh; this test catches what can be checked without one.
 */
class GrafanaDashboardTest {

    static final String DASHBOARD = "grafana/dashboards/kade.json";
    private static final String TEMPLATED = "${datasource}";
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)");

    private final JsonNode dashboard = RepoFiles.JSON.readTree(RepoFiles.read(DASHBOARD));

    @Test
    void isAProvisionableDashboard() {
        assertThat(dashboard.path("uid").asString("")).isNotBlank();
        assertThat(dashboard.path("title").asString("")).isNotBlank();
        assertThat(dashboard.path("schemaVersion").asInt()).isPositive();
        assertThat(dashboard.has("id")).as("no instance-specific id in a provisioned dashboard").isFalse();

        List<JsonNode> panels = panels();
        assertThat(panels).extracting(p -> p.path("id").asInt()).doesNotHaveDuplicates();
        assertThat(panels).allSatisfy(p -> {
            JsonNode grid = p.path("gridPos");
            assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as("%s fits the 24 columns", p.path("title"))
                    .isBetween(1, 24);
            assertThat(grid.path("h").asInt()).isPositive();
        });
    }

    @Test
    void usesOnlyTheTemplatedPrometheusDataSource() {
        JsonNode variable = variable("datasource");
        assertThat(variable.path("type").asString()).isEqualTo("datasource");
        assertThat(variable.path("query").asString()).isEqualTo("prometheus");

        List<String> boundElsewhere = new ArrayList<>();
        collectDataSources(dashboard, "", boundElsewhere);
        assertThat(boundElsewhere).as("data source references other than %s", TEMPLATED).isEmpty();

        for (JsonNode panel : panels()) {
            if (!panel.path("type").asString().equals("row")) {
                assertThat(panel.path("datasource").path("uid").asString()).as("panel %s", panel.path("title"))
                        .isEqualTo(TEMPLATED);
            }
        }
    }

    @Test
    void everyQueryHasAnExpressionAndOnlyDefinedVariables() {
        Set<String> defined = new HashSet<>(Set.of("__rate_interval", "__interval", "__range"));
        dashboard.path("templating").path("list").forEach(v -> defined.add(v.path("name").asString()));

        List<JsonNode> queryPanels = panels().stream().filter(p -> !p.path("type").asString().equals("row")).toList();
        assertThat(queryPanels).isNotEmpty().allSatisfy(panel -> {
            assertThat(panel.path("targets")).as("targets of %s", panel.path("title")).isNotEmpty();
            List<String> refIds = new ArrayList<>();
            panel.path("targets").forEach(target -> {
                String expr = target.path("expr").asString("");
                assertThat(expr).as("expr in %s", panel.path("title")).isNotBlank();
                Matcher m = VARIABLE.matcher(expr);
                while (m.find()) {
                    assertThat(defined).as("variable in %s", expr).contains(m.group(1));
                }
                refIds.add(target.path("refId").asString());
            });
            assertThat(refIds).doesNotHaveDuplicates();
        });
    }

    @Test
    void showsWhatOnCallNeeds() {
        StringBuilder all = new StringBuilder();
        panels().forEach(p -> p.path("targets").forEach(t -> all.append(t.path("expr").asString()).append('\n')));

        assertThat(all.toString()).contains("kade_records_in_total", "kade_records_scored_total",
                "kade_dead_letters_total", "kade_anomalies_total", "kade_score_bucket", "kade_score_percentile_bucket", "kade_model_threshold",
                "kade_inference_seconds_bucket", "kafka_consumer_fetch_manager_records_lag_max", "kade_model_info",
                "kade_model_loads_total", "kade_model_loaded_timestamp_seconds", "kade_partitions_stalled",
                "kade_progress_age_seconds", "kade_broker_reachable", "kade_stream_thread_deaths_total", "kade_ready",
                "kade_incident_events_total", "kade_incidents_open", "kade_incident_muted_total", "kade_feedback_labels",
                "kade_feedback_precision", "kade_shadow_rank_correlation", "kade_shadow_alert_overlap",
                "kade_shadow_alerts_total", "kade_shadow_records_scored_total", "kade_shadow_loaded", "kade_alert_budget_threshold");
    }

    /**
     * Issue 17 #2: the score panel read kade_score quantiles alone and called them a "reconstruction score",
     * which is neither true of the default ensemble (a robust z-score) nor comparable across a reload. The
     * model-independent view reads kade_score_percentile; no panel text calls every score a reconstruction.
     */
    @Test
    void scorePanelsReadThePercentileHistogramAndDoNotCallEveryScoreAReconstruction() {
        List<JsonNode> percentilePanels = panels().stream().filter(p -> {
            StringBuilder exprs = new StringBuilder();
            p.path("targets").forEach(t -> exprs.append(t.path("expr").asString()));
            return exprs.toString().contains("kade_score_percentile_bucket");
        }).toList();
        assertThat(percentilePanels).isNotEmpty();
        panels().forEach(p -> assertThat(p.path("description").asString(""))
                .as("description of %s", p.path("title")).doesNotContainIgnoringCase("quantiles of the reconstruction score"));
    }

    @Test
    void showsTheBrokerSideLagOfKadesConsumerGroup() {
        List<String> brokerSide = new ArrayList<>();
        panels().forEach(p -> p.path("targets").forEach(t -> {
            String expr = t.path("expr").asString("");
            if (expr.contains("kafka_consumergroup_lag")) {
                brokerSide.add(expr);
            }
        }));

        // kafka-exporter's series carry the group, not kade's tags: consumergroup is kade's application.id.
        assertThat(brokerSide).isNotEmpty()
                .allSatisfy(expr -> assertThat(expr).contains("kafka_consumergroup_lag{consumergroup=~\"$application\"}"));
    }

    @Test
    void provisioningPointsGrafanaAtPrometheusAndAtTheDashboardFolder() {
        JsonNode datasources = RepoFiles.yaml("grafana/provisioning/datasources/prometheus.yaml").path("datasources");
        assertThat(datasources).hasSize(1);
        assertThat(datasources.get(0).path("type").asString()).isEqualTo("prometheus");
        assertThat(datasources.get(0).path("isDefault").asBoolean()).isTrue();

        JsonNode provider = RepoFiles.yaml("grafana/provisioning/dashboards/kade.yaml").path("providers").get(0);
        String folder = provider.path("options").path("path").asString();
        assertThat(RepoFiles.read("docker/compose.yaml")).contains("../grafana/dashboards:" + folder + ":ro");
    }

    private JsonNode variable(String name) {
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (v.path("name").asString().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no dashboard variable " + name);
    }

    /** All panels, including those nested in collapsed rows. */
    private List<JsonNode> panels() {
        List<JsonNode> all = new ArrayList<>();
        dashboard.path("panels").forEach(p -> {
            all.add(p);
            p.path("panels").forEach(all::add);
        });
        return all;
    }

    /** Every "datasource" object below {@code node} that is neither the variable nor Grafana's built-in. */
    private static void collectDataSources(JsonNode node, String path, List<String> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                String here = path + "/" + e.getKey();
                JsonNode value = e.getValue();
                if (e.getKey().equals("datasource") && value.isObject()) {
                    String uid = value.path("uid").asString("");
                    boolean builtIn = value.path("type").asString("").equals("grafana");
                    if (!builtIn && !uid.equals(TEMPLATED)) {
                        out.add(here + " = " + value);
                    }
                } else if (e.getKey().equals("datasource") && !value.isNull()) {
                    out.add(here + " = " + value);
                } else {
                    collectDataSources(value, here, out);
                }
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectDataSources(node.get(i), path + "/" + i, out);
            }
        }
    }
}
