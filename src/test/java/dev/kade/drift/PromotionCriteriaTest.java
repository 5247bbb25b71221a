package dev.kade.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PromotionCriteriaTest {
    private static final Instant NOW = Instant.parse("2026-12-03T17:00:00Z");
    private static final PromotionCriteria STRICT = new PromotionCriteria(0.9, 0.5, 0.02, 1000, Duration.ofHours(1));

    private static ShadowEvidence evidence(double rank, double overlap, long records, long alerts, Duration age) {
        return new ShadowEvidence("v1", Optional.of("v2"), rank, overlap, records, alerts, NOW.minus(age));
    }

    @Test
    void aShadowThatMeetsEveryCriterionMayBePromoted() {
        assertThat(STRICT.unmet(evidence(0.95, 0.8, 5000, 50, Duration.ofHours(2)), "v2", NOW)).isEmpty();
    }

    @Test
    void eachUnmetCriterionIsNamedWithItsSettingAndReading() {
        assertThat(STRICT.unmet(evidence(0.5, 0.8, 5000, 50, Duration.ofHours(2)), "v2", NOW))
                .containsExactly("--min-rank-correlation 0.9: kade_shadow_rank_correlation is 0.5");
        assertThat(STRICT.unmet(evidence(0.95, 0.3, 5000, 50, Duration.ofHours(2)), "v2", NOW))
                .containsExactly("--min-alert-overlap 0.5: kade_shadow_alert_overlap is 0.3");
        assertThat(STRICT.unmet(evidence(0.95, 0.8, 5000, 500, Duration.ofHours(2)), "v2", NOW))
                .singleElement().asString().startsWith("--max-alert-rate 0.02: the shadow would alert on 500 of 5000");
        assertThat(STRICT.unmet(evidence(0.95, 0.8, 999, 5, Duration.ofHours(2)), "v2", NOW))
                .containsExactly("--min-records 1000: 999 records scored by both so far");
        assertThat(STRICT.unmet(evidence(0.95, 0.8, 5000, 50, Duration.ofMinutes(59)), "v2", NOW))
                .singleElement().asString().startsWith("--min-age PT1H: in shadow for PT59M");
        assertThat(STRICT.unmet(evidence(0.1, 0.1, 10, 10, Duration.ZERO), "v2", NOW)).hasSize(5);
    }

    @Test
    void aRankCorrelationNotYetMeasuredFailsUnlessUnconstrained() {
        assertThat(STRICT.unmet(evidence(Double.NaN, 0.8, 5000, 50, Duration.ofHours(2)), "v2", NOW))
                .containsExactly("--min-rank-correlation 0.9: kade_shadow_rank_correlation is NaN");
        PromotionCriteria none = new PromotionCriteria(-1, 0, 1, 0, Duration.ZERO);
        assertThat(none.unmet(evidence(Double.NaN, Double.NaN, 0, 0, Duration.ZERO), "v2", NOW)).isEmpty();
    }

    @Test
    void noAlertsByEitherModelIsNoDisagreement() {
        assertThat(STRICT.unmet(evidence(0.95, Double.NaN, 5000, 0, Duration.ofHours(2)), "v2", NOW)).isEmpty();
    }

    @Test
    void evidenceAboutAnotherShadowOrNoShadowRefuses() {
        assertThat(STRICT.unmet(evidence(0.95, 0.8, 5000, 50, Duration.ofHours(2)), "v3", NOW))
                .singleElement().asString().contains("shadows version v2, not v3");
        ShadowEvidence none = new ShadowEvidence("v1", Optional.empty(), Double.NaN, Double.NaN, 0, 0, Instant.MAX);
        assertThat(STRICT.unmet(none, "v2", NOW)).singleElement().asString().startsWith("no shadow model");
    }

    @Test
    void criteriaOutOfRangeAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> new PromotionCriteria(1.5, 0, 1, 0, Duration.ZERO)).hasMessageContaining("--min-rank-correlation");
        assertThatThrownBy(() -> new PromotionCriteria(0, -0.1, 1, 0, Duration.ZERO)).hasMessageContaining("--min-alert-overlap");
        assertThatThrownBy(() -> new PromotionCriteria(0, 0, Double.NaN, 0, Duration.ZERO)).hasMessageContaining("--max-alert-rate");
        assertThatThrownBy(() -> new PromotionCriteria(0, 0, 1, -1, Duration.ZERO)).hasMessageContaining("--min-records");
        assertThatThrownBy(() -> new PromotionCriteria(0, 0, 1, 0, Duration.ofSeconds(-1))).hasMessageContaining("--min-age");
    }
}
