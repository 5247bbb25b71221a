package dev.kade.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.drift.ShadowAgreement;
import dev.kade.drift.ShadowEvidence;
import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ScoreDistribution;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What kade promote reads from a running kade's /metrics page, read from the real scrape KadeMetrics produces. */
class PromotionEvidenceTest {
    private static ModelMetadata model(String version) {
        return new ModelMetadata(List.of("a", "b"), ModelKind.AE, 1.0,
                new ScoreDistribution(new double[] {0, 1}, new double[] {0, 1}), "fp", Instant.EPOCH, version);
    }

    @Test
    void theScrapeCarriesVersionsAgreementAndThePairsRecordsAlertsAndAge() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KadeMetrics m = new KadeMetrics("kade-test");
        m.bindTo(registry);
        m.modelServing(model("champ \"1\""), Instant.ofEpochSecond(1_700_000_000));
        m.attachShadow(new ShadowAgreement(100));
        m.shadowServing(model("challenger-2"), Instant.ofEpochSecond(1_700_000_500));
        // 10 records, scores in the same order; the champion alerts on the last two (>= 1), the shadow on the last one
        float[] champion = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 1.5f, 2f};
        float[] shadow = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 2f};
        m.shadowBatch(champion, 1.0, shadow, 1.0, 10);

        ShadowEvidence e = ShadowEvidence.parse(registry.scrape());

        assertThat(e.servingVersion()).isEqualTo("champ \"1\"");
        assertThat(e.shadowVersion()).contains("challenger-2");
        assertThat(e.rankCorrelation()).isEqualTo(1.0);
        assertThat(e.alertOverlap()).isEqualTo(0.5);
        assertThat(e.pairedRecords()).isEqualTo(10);
        assertThat(e.pairedAlerts()).isEqualTo(1);
        assertThat(e.shadowAlertRate()).isEqualTo(0.1);
        assertThat(e.pairedSince()).isEqualTo(Instant.ofEpochSecond(1_700_000_500));

        // a new champion restarts the pair: its records, alerts and age
        m.modelServing(model("champ-3"), Instant.ofEpochSecond(1_700_001_000));
        ShadowEvidence after = ShadowEvidence.parse(registry.scrape());
        assertThat(after.servingVersion()).isEqualTo("champ-3");
        assertThat(after.pairedRecords()).isZero();
        assertThat(after.pairedSince()).isEqualTo(Instant.ofEpochSecond(1_700_001_000));
    }

    @Test
    void promotionsAndRollbacksAreCountedByActionFromZero() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KadeMetrics m = new KadeMetrics("kade-test");
        m.bindTo(registry);
        assertThat(registry.scrape()).contains("kade_model_promotions_total{action=\"promote\",application=\"kade-test\"} 0.0")
                .contains("kade_model_promotions_total{action=\"rollback\",application=\"kade-test\"} 0.0");
        m.modelPromoted(PromotionMeters.Action.PROMOTE);
        m.modelPromoted(PromotionMeters.Action.PROMOTE);
        m.modelPromoted(PromotionMeters.Action.ROLLBACK);
        assertThat(registry.get(KadeMetrics.MODEL_PROMOTIONS).tag("action", "promote").counter().count()).isEqualTo(2.0);
        assertThat(registry.get(KadeMetrics.MODEL_PROMOTIONS).tag("action", "rollback").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aPageWithoutAServingModelIsNotEvidence() {
        assertThatThrownBy(() -> ShadowEvidence.parse("# HELP up\nup 1\n")).hasMessageContaining("kade_model_info");
    }
}
