package dev.kade.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.drift.ShadowAgreement;
import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ScoreDistribution;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShadowMetersTest {
    private static ModelMetadata model(String version) {
        return new ModelMetadata(List.of("a"), ModelKind.AE, 1, new ScoreDistribution(new double[] {0, 1}, new double[] {0, 2}),
                "fp", Instant.EPOCH, version);
    }

    @Test
    void anotherServingModelRestartsTheWindowAndThePairButKeepsTheTotals() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KadeMetrics m = new KadeMetrics("kade-test");
        m.bindTo(registry);
        ShadowAgreement agreement = new ShadowAgreement(100);
        m.attachShadow(agreement);
        m.modelServing(model("v1"), Instant.EPOCH);
        m.shadowServing(model("v2"), Instant.EPOCH);
        m.shadowBatch(new float[] {1, 2, 3}, 2.5, new float[] {1, 3, 2}, 2.5, 3);
        assertThat(agreement.windowFill()).isEqualTo(3);
        assertThat(registry.scrape()).contains("kade_shadow_paired_records{application=\"kade-test\"} 3.0")
                .contains("kade_shadow_alerts_total{application=\"kade-test\",model=\"champion\"} 1.0")
                .contains("kade_shadow_alerts_total{application=\"kade-test\",model=\"shadow\"} 1.0")
                .contains("kade_shadow_alerts_total{application=\"kade-test\",model=\"both\"} 0.0");

        m.modelServing(model("v2"), Instant.ofEpochSecond(60)); // the shadow's model now serves (app.PromotionTracker counts it)
        assertThat(registry.scrape()).contains("kade_shadow_paired_records{application=\"kade-test\"} 0.0")
                .contains("kade_shadow_paired_since_seconds{application=\"kade-test\"} 60.0");
        assertThat(agreement.windowFill()).isZero();
        assertThat(agreement.scored()).as("totals are counters").isEqualTo(3);
    }

    @Test
    void withoutAShadowTheMetersExistAndReadNoShadowSoThatTheDashboardAndRulesFindASeries() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KadeMetrics m = new KadeMetrics("kade-test");
        m.bindTo(registry);
        m.modelServing(model("v1"), Instant.EPOCH);
        m.shadowServing(model("v2"), Instant.EPOCH); // no shadow configured: ignored
        m.shadowBatch(new float[] {1, 2, 3}, 2.5, new float[] {1, 3, 2}, 2.5, 3);
        assertThat(registry.scrape()).contains("kade_shadow_loaded{application=\"kade-test\"} 0.0")
                .contains("kade_shadow_records_scored_total{application=\"kade-test\"} 0.0")
                .contains("kade_shadow_alerts_total{application=\"kade-test\",model=\"shadow\"} 0.0")
                .contains("kade_shadow_rank_correlation{application=\"kade-test\"} NaN")
                .contains("kade_shadow_alert_overlap{application=\"kade-test\"} NaN")
                .contains("kade_shadow_paired_records{application=\"kade-test\"} 0.0")
                .contains("kade_shadow_paired_since_seconds{application=\"kade-test\"} NaN")
                .doesNotContain("kade_shadow_info");

        ShadowAgreement agreement = new ShadowAgreement(100);
        m.attachShadow(agreement); // the same meters now read the shadow's agreement
        m.shadowServing(model("v2"), Instant.EPOCH);
        m.shadowBatch(new float[] {1, 2, 3}, 2.5, new float[] {1, 3, 2}, 2.5, 3);
        assertThat(registry.scrape()).contains("kade_shadow_loaded{application=\"kade-test\"} 1.0")
                .contains("kade_shadow_records_scored_total{application=\"kade-test\"} 3.0")
                .contains("kade_shadow_info{application=\"kade-test\",kind=\"ae\",version=\"v2\"} 1");
    }
}
