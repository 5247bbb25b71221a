package dev.kade.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ScoreDistribution;
import dev.kade.output.DeadLetterReason;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KadeMetricsTest {
    private static ModelMetadata model(String version, double threshold) {
        return new ModelMetadata(List.of("a", "b"), ModelKind.AE, threshold,
                new ScoreDistribution(new double[] {0, 1}, new double[] {0, 1}), "fp", Instant.EPOCH, version);
    }

    private static PrometheusMeterRegistry exercised() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KadeMetrics m = new KadeMetrics("kade-test");
        m.bindTo(registry);
        m.recordsIn("metrics", 2);
        m.scoredBatch(BatchTrigger.SIZE, new float[] {0.004f}, 1, 12_000, 0);
        m.scoredBatch(BatchTrigger.SIZE, new float[] {14.2f}, 1, 15_000, 1);
        m.deadLetter(DeadLetterReason.NOT_JSON);
        m.modelServing(model("v1", 1.5), Instant.ofEpochSecond(1_700_000_000));
        m.modelServing(model("v2", 2.5), Instant.ofEpochSecond(1_700_000_100));
        m.modelLoadFailed();
        m.ready(true);
        m.progress(4, 1, 75.5, false);
        m.streamThreadDied();
        m.incidentEvent(dev.kade.incident.IncidentEvent.Kind.OPENED);
        m.incidentMuted();
        m.incidentsOpen("0_0", 2);
        m.incidentsOpen("0_1", 4);
        m.incidentsOpen("0_1", 1); // a task's latest count replaces its earlier one
        m.incidentsOpen("1_0", 5);
        m.incidentsClosed("1_0"); // a closed task leaves the sum
        return registry;
    }

    @Test
    void scrapeHasExactlyTheAgreedPrometheusNames() {
        String text = exercised().scrape();
        assertThat(text)
                .contains("kade_records_in_total{application=\"kade-test\",topic=\"metrics\"} 2.0")
                .contains("kade_records_scored_total{application=\"kade-test\"} 2.0")
                .contains("kade_anomalies_total{application=\"kade-test\"} 1.0")
                .contains("kade_dead_letters_total{application=\"kade-test\",reason=\"not_json\"} 1.0")
                .contains("kade_dead_letters_total{application=\"kade-test\",reason=\"scoring_failed\"} 0.0")
                .contains("kade_model_loads_total{application=\"kade-test\",result=\"success\"} 2.0")
                .contains("kade_model_loads_total{application=\"kade-test\",result=\"failure\"} 1.0")
                .contains("kade_model_info{application=\"kade-test\",kind=\"ae\",version=\"v2\"} 1")
                .doesNotContain("version=\"v1\"")
                .contains("kade_model_threshold{application=\"kade-test\"} 2.5")
                .contains("kade_model_loaded_timestamp_seconds{application=\"kade-test\"} 1.7000001E9")
                .contains("kade_ready{application=\"kade-test\"} 1.0")
                .contains("kade_model_verified{application=\"kade-test\"} 0.0") // the test metadata has no probe
                .contains("kade_score_bucket{application=\"kade-test\",le=\"0.005\"} 1")
                .contains("kade_score_bucket{application=\"kade-test\",le=\"20.0\"} 2")
                .contains("kade_score_bucket{application=\"kade-test\",le=\"0.002\"} 0")
                .contains("kade_score_count{application=\"kade-test\"} 2")
                .contains("kade_inference_seconds_bucket{application=\"kade-test\",le=\"2.0E-5\"} 2")
                .contains("kade_inference_seconds_count{application=\"kade-test\"} 2")
                .contains("kade_partitions_assigned{application=\"kade-test\"} 4.0")
                .contains("kade_partitions_stalled{application=\"kade-test\"} 1.0")
                .contains("kade_progress_age_seconds{application=\"kade-test\"} 75.5")
                .contains("kade_broker_reachable{application=\"kade-test\"} 0.0")
                .contains("kade_stream_thread_deaths_total{application=\"kade-test\"} 1.0")
                .contains("kade_incident_events_total{application=\"kade-test\",event=\"opened\"} 1.0")
                .contains("kade_incident_events_total{application=\"kade-test\",event=\"resolved\"} 0.0")
                .contains("kade_incidents_open{application=\"kade-test\"} 3.0")
                .contains("kade_incident_muted_total{application=\"kade-test\"} 1.0")
                .contains("kade_output_context_cuts_total{application=\"kade-test\",cut=\"context_dropped\"} 0.0");
        // every kade family has HELP text (promtool check metrics wants it)
        Set<String> families = Arrays.stream(text.split("\n")).filter(l -> l.startsWith("# TYPE kade_"))
                .map(l -> l.split(" ")[2]).collect(Collectors.toSet());
        assertThat(families).containsExactlyInAnyOrder("kade_records_in_total", "kade_records_scored_total",
                "kade_anomalies_total", "kade_dead_letters_total", "kade_model_loads_total", "kade_model_info", "kade_model_threshold",
                "kade_model_loaded_timestamp_seconds", "kade_model_verified", "kade_ready", "kade_score", "kade_score_percentile", "kade_inference_seconds",
                "kade_inference_seconds_max", "kade_batches_total", "kade_partitions_assigned", "kade_partitions_stalled",
                "kade_progress_age_seconds", "kade_broker_reachable", "kade_stream_thread_deaths_total",
                "kade_series_entities", "kade_series_state_bytes", "kade_series_new_entities_total",
                "kade_series_warmups_total", "kade_series_imputed_total", "kade_series_late_total", "kade_series_gaps_total",
                "kade_series_expired_total", "kade_incident_events_total", "kade_incidents_open", "kade_incident_muted_total",
                "kade_output_context_cuts_total", "kade_model_promotions_total", "kade_feedback_labels", "kade_feedback_precision", "kade_alert_budget_threshold",
                // the shadow's meters exist without a shadow (ShadowMetersTest), all but kade_shadow_info
                "kade_shadow_alerts_total", "kade_shadow_loads_total", "kade_shadow_records_scored_total",
                "kade_shadow_paired_alerts", "kade_shadow_paired_records", "kade_shadow_failures_total",
                "kade_shadow_rank_correlation", "kade_shadow_loaded", "kade_shadow_threshold",
                "kade_shadow_paired_since_seconds", "kade_shadow_alert_overlap");
        for (String f : families) {
            assertThat(text).containsPattern("# HELP " + f + " \\S");
        }
    }

    /**
     * Issue 17 #2: the default ensemble's score is a robust z-score, about half negative. Before, the
     * buckets started at 0.001, so every negative score sat in le="0.001" and the quantiles were meaningless;
     * the percentile histogram places each score in the serving model's own training distribution.
     */
    @Test
    void negativeEnsembleScoresGetTheirOwnBucketsAndEveryScoreItsTrainingPercentile() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KadeMetrics m = new KadeMetrics("kade-test");
        m.bindTo(registry);
        double[] training = new double[1000];
        for (int i = 0; i < training.length; i++) {
            training[i] = -3 + 6.0 * i / (training.length - 1); // z-scores -3..3, half negative
        }
        m.modelServing(new ModelMetadata(List.of("a", "b"), ModelKind.ENSEMBLE, 2.9,
                ScoreDistribution.fromScores(training), "fp", Instant.EPOCH, "z1"), Instant.EPOCH);
        // -1.5 (percentile 25), -0.3 (45), 0.6 (60), 2.97 (99.5), 9 (beyond training: 100)
        m.scoredBatch(BatchTrigger.SIZE, new float[] {-1.5f, -0.3f, 0.6f, 2.97f, 9f}, 5, 1_000, 2);
        assertThat(registry.scrape())
                .contains("kade_score_bucket{application=\"kade-test\",le=\"-1.0\"} 1")
                .contains("kade_score_bucket{application=\"kade-test\",le=\"0.0\"} 2")
                .contains("kade_score_bucket{application=\"kade-test\",le=\"0.001\"} 2")
                .contains("kade_score_bucket{application=\"kade-test\",le=\"10.0\"} 5")
                .contains("kade_score_percentile_bucket{application=\"kade-test\",le=\"50.0\"} 2")
                .contains("kade_score_percentile_bucket{application=\"kade-test\",le=\"90.0\"} 3")
                .contains("kade_score_percentile_bucket{application=\"kade-test\",le=\"99.0\"} 3")
                .contains("kade_score_percentile_bucket{application=\"kade-test\",le=\"99.9\"} 4")
                .contains("kade_score_percentile_bucket{application=\"kade-test\",le=\"99.99\"} 4")
                .contains("kade_score_percentile_count{application=\"kade-test\"} 5");
    }

    @Test
    void feedbackSeriesExistBeforeAnyLabelSoThatTheirPanelAndRuleReadNoneRatherThanNothing() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KadeMetrics m = new KadeMetrics("kade-test");
        m.bindTo(registry);
        assertThat(registry.scrape())
                .contains("kade_feedback_labels{application=\"kade-test\",label=\"false_positive\"} 0.0")
                .contains("kade_feedback_labels{application=\"kade-test\",label=\"unknown_incident\"} 0.0")
                .doesNotContain("kade_feedback_precision{");
        m.modelServing(model("v1", 1.5), Instant.ofEpochSecond(1_700_000_000));
        assertThat(registry.scrape()).as("0 labelled of 0: precision unknown, not 0 or 1")
                .contains("kade_feedback_precision{application=\"kade-test\",model=\"v1\"} NaN");
    }

    @Test
    void theServingModelsBudgetThresholdExistsFromItsLoadAsNaNUntilATaskDerivesOne() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KadeMetrics m = new KadeMetrics("kade-test");
        m.bindTo(registry);
        m.modelServing(model("v1", 1.5), Instant.ofEpochSecond(1_700_000_000));
        assertThat(registry.scrape()).as("no budget: the series exists (dashboards find it) and reads NaN")
                .contains("kade_alert_budget_threshold{application=\"kade-test\",model=\"v1\"} NaN");
        m.budgetThreshold("0_0", "v1", 4.0);
        assertThat(registry.scrape()).contains("kade_alert_budget_threshold{application=\"kade-test\",model=\"v1\"} 4.0");
    }

    @Test
    void theBudgetThresholdIsOneSeriesPerModelTheHighestOfTheTasks() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KadeMetrics m = new KadeMetrics("kade-test");
        m.bindTo(registry);
        assertThat(registry.scrape()).doesNotContain("kade_alert_budget_threshold");
        m.budgetThreshold("0_0", "v1", 1.5);
        m.budgetThreshold("0_1", "v1", 2.5);
        m.budgetThreshold("0_1", "v2", 3.0);
        assertThat(registry.scrape()).contains("kade_alert_budget_threshold{application=\"kade-test\",model=\"v1\"} 2.5")
                .contains("kade_alert_budget_threshold{application=\"kade-test\",model=\"v2\"} 3.0");
        m.budgetClosed("0_1");
        assertThat(registry.scrape()).contains("kade_alert_budget_threshold{application=\"kade-test\",model=\"v1\"} 1.5")
                .contains("kade_alert_budget_threshold{application=\"kade-test\",model=\"v2\"} NaN");
    }

    @Test
    void noPercentileIsRecordedBeforeAModelServes() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KadeMetrics m = new KadeMetrics("kade-test");
        m.bindTo(registry);
        m.scoredBatch(BatchTrigger.SIZE, new float[] {0.5f}, 1, 1_000, 0);
        assertThat(registry.scrape()).contains("kade_score_count{application=\"kade-test\"} 1")
                .contains("kade_score_percentile_count{application=\"kade-test\"} 0");
    }

    @Test
    void aBatchUpdatesTheSharedMetersOnceAndCountsOnlyTheScoredPrefix() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KadeMetrics m = new KadeMetrics("kade-test");
        m.bindTo(registry);
        m.recordsIn("metrics", 4);
        // four slots, three scored (the fourth was dead-lettered and must not reach the score histogram)
        m.scoredBatch(BatchTrigger.COMMIT, new float[] {0.004f, 14.2f, 0.5f, 999f}, 3, 40_000, 1);
        m.scoredBatch(BatchTrigger.SIZE, new float[0], 0, 1_000, 0);
        assertThat(m.counts()).isEqualTo(new KadeMetrics.Counts(4, 3, 1, 0));
        assertThat(m.batches(BatchTrigger.COMMIT)).isEqualTo(1);
        assertThat(m.batches(BatchTrigger.SIZE)).isEqualTo(1);
        assertThat(m.batches(BatchTrigger.WAIT)).isZero();
        assertThat(registry.scrape())
                .contains("kade_batches_total{application=\"kade-test\",trigger=\"commit\"} 1.0")
                .contains("kade_batches_total{application=\"kade-test\",trigger=\"wait\"} 0.0")
                .contains("kade_score_count{application=\"kade-test\"} 3")
                .contains("kade_score_bucket{application=\"kade-test\",le=\"500.0\"} 3")
                // one inference observation for the batch with records (an empty batch calls no model)
                .contains("kade_inference_seconds_count{application=\"kade-test\"} 1");
    }

    @Test
    void everyKadeMeterHasTheApplicationTagAndADescription() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        KadeMetrics m = new KadeMetrics("app-1");
        m.bindTo(registry);
        m.recordsIn("t", 1);
        m.modelServing(model("v1", 1), Instant.now());
        // SimpleMeterRegistry adds one derived gauge per histogram bucket (kade.score.histogram); not ours
        List<Meter> meters = registry.getMeters().stream()
                .filter(meter -> !meter.getId().getName().endsWith(".histogram")).toList();
        assertThat(meters).isNotEmpty().allSatisfy(meter -> {
            assertThat(meter.getId().getName()).startsWith("kade.");
            assertThat(meter.getId().getTag("application")).isEqualTo("app-1");
            assertThat(meter.getId().getDescription()).as(meter.getId().toString()).isNotBlank();
        });
    }

    @Test
    void countsAddUpForSummaries() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        KadeMetrics m = new KadeMetrics("kade");
        m.bindTo(registry);
        m.recordsIn("a", 1);
        m.recordsIn("b", 2);
        m.scoredBatch(BatchTrigger.COMMIT, new float[] {0.1f, 5}, 2, 1, 1);
        m.deadLetter(DeadLetterReason.MISSING_FEATURE);
        assertThat(m.counts()).isEqualTo(new KadeMetrics.Counts(3, 2, 1, 1));
    }

    @Test
    void seriesMetersSumTasksAndCountBatches() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        KadeMetrics m = new KadeMetrics("kade-test");
        m.bindTo(registry);
        m.series(new dev.kade.entity.SeriesCounts(3, 2, 1, 4, 5, 6));
        m.series(new dev.kade.entity.SeriesCounts(1, 0, 0, 0, 0, 1));
        m.seriesStore("0_0", 1000, 250_000);
        m.seriesStore("0_1", 500, -1);
        assertThat(registry.get(KadeMetrics.SERIES_CREATED).counter().count()).isEqualTo(4);
        assertThat(registry.get(KadeMetrics.SERIES_WARMUPS).counter().count()).isEqualTo(2);
        assertThat(registry.get(KadeMetrics.SERIES_IMPUTED).counter().count()).isEqualTo(1);
        assertThat(registry.get(KadeMetrics.SERIES_LATE).counter().count()).isEqualTo(4);
        assertThat(registry.get(KadeMetrics.SERIES_GAPS).counter().count()).isEqualTo(5);
        assertThat(registry.get(KadeMetrics.SERIES_EXPIRED).counter().count()).isEqualTo(7);
        assertThat(registry.get(KadeMetrics.SERIES_ENTITIES).gauge().value()).isEqualTo(1500);
        assertThat(registry.get(KadeMetrics.SERIES_STATE_BYTES).gauge().value()).isEqualTo(250_000);
        m.seriesStoreClosed("0_0");
        assertThat(registry.get(KadeMetrics.SERIES_ENTITIES).gauge().value()).isEqualTo(500);
        // never an entity as a tag: one series per meter
        assertThat(registry.find(KadeMetrics.SERIES_ENTITIES).gauges()).hasSize(1);
    }
}
