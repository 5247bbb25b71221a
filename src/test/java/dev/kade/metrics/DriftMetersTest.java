package dev.kade.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.drift.DriftMonitor;
import dev.kade.drift.DriftSettings;
import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ScoreDistribution;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DriftMetersTest {
    private static ModelMetadata model(String version, List<String> features) {
        float[][] rows = new float[1000][features.size()];
        double[] scores = new double[1000];
        for (int i = 0; i < rows.length; i++) {
            scores[i] = i;
            for (int j = 0; j < features.size(); j++) {
                rows[i][j] = (i * 7 + j) % 1000;
            }
        }
        return new ModelMetadata(features, ModelKind.AE, 990, ScoreDistribution.fromScores(scores), "fp", Instant.EPOCH,
                version).withFeatureBinsOf(rows);
    }

    @Test
    void driftGaugesAreScrapedWithBoundedFeatureSeriesThatFollowTheServingModel() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KadeMetrics m = new KadeMetrics("kade-test");
        m.bindTo(registry);
        m.attachDrift(new DriftMonitor(new DriftSettings(100, 0.25, 2)));
        ModelMetadata v1 = model("v1", List.of("a", "b", "c"));
        m.modelServing(v1, Instant.EPOCH);

        String before = registry.scrape();
        assertThat(before).contains("kade_drift_alert_level{application=\"kade-test\"} 0.25")
                .contains("kade_drift_window_records{application=\"kade-test\"} 0.0")
                .contains("kade_drift_score_psi{application=\"kade-test\"} NaN")
                .contains("kade_drift_feature_psi{application=\"kade-test\",feature=\"a\"} NaN")
                .contains("kade_drift_feature_psi{application=\"kade-test\",feature=\"b\"} NaN")
                .as("drift.feature.series=2: the third feature has no series of its own")
                .doesNotContain("feature=\"c\"");

        // 100 records all scoring far above the training scores, every feature at its training maximum
        float[] scores = new float[100];
        java.util.Arrays.fill(scores, 5000f);
        float[] rows = new float[300];
        java.util.Arrays.fill(rows, 999f);
        m.drift(v1, scores, 100, rows, 100);
        String after = registry.scrape();
        assertThat(after).contains("kade_drift_window_records{application=\"kade-test\"} 100.0");
        assertThat(value(after, "kade_drift_score_psi{application=\"kade-test\"}")).isGreaterThan(1.0);
        assertThat(value(after, "kade_drift_feature_psi_max{application=\"kade-test\"}")).isGreaterThan(1.0);

        m.modelServing(model("v2", List.of("x", "a")), Instant.EPOCH);
        String swapped = registry.scrape();
        assertThat(swapped).contains("feature=\"x\"").doesNotContain("feature=\"b\"")
                .contains("kade_drift_window_records{application=\"kade-test\"} 0.0");
    }

    @Test
    void withoutAMonitorDriftIsANoOpAndAttachingTwiceFails() {
        KadeMetrics m = new KadeMetrics("kade-test");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        m.bindTo(registry);
        m.drift(model("v1", List.of("a")), new float[] {1}, 1, new float[] {1}, 1);
        assertThat(registry.scrape()).doesNotContain("kade_drift");
        m.attachDrift(new DriftMonitor(DriftSettings.DEFAULT));
        assertThatThrownBy(() -> m.attachDrift(new DriftMonitor(DriftSettings.DEFAULT)))
                .isInstanceOf(IllegalStateException.class);
    }

    private static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + series + " in " + scrape));
    }
}
