package dev.kade.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromotionTest {
    private static final String SCRAPE = """
            # HELP kade_shadow_info Shadow model
            # TYPE kade_shadow_info gauge
            kade_shadow_info{application="kade",kind="ae",version="ae-2"} 1
            kade_shadow_records_scored_total{application="kade"} 20000.0
            kade_shadow_alerts_total{application="kade",model="champion"} 100.0
            kade_shadow_alerts_total{application="kade",model="shadow"} 120.0
            kade_shadow_alerts_total{application="kade",model="both"} 90.0
            kade_shadow_alert_overlap{application="kade"} 0.75
            kade_shadow_rank_correlation{application="kade"} 0.93
            """;

    @TempDir
    Path dir;

    @Test
    void evidenceIsReadFromTheScrapeAndHeldToTheCriteria() {
        Promotion.Evidence e = Promotion.Evidence.parse(SCRAPE);
        assertThat(e.shadowVersion()).isEqualTo("ae-2");
        assertThat(e.records()).isEqualTo(20000);
        assertThat(e.alertRateRatio()).isEqualTo(1.2);
        assertThat(new Promotion.Criteria(10_000, 0.5, 0.8, 1.5).failures(e)).isEmpty();
        assertThat(new Promotion.Criteria(50_000, 0.8, 0.95, 1.1).failures(e)).hasSize(4)
                .anySatisfy(f -> assertThat(f).contains("--min-records"))
                .anySatisfy(f -> assertThat(f).contains("--min-overlap"))
                .anySatisfy(f -> assertThat(f).contains("--min-rank-correlation"))
                .anySatisfy(f -> assertThat(f).contains("--max-alert-rate-ratio"));
        assertThat(new Promotion.Criteria(1, 0, 0, 10).failures(Promotion.Evidence.parse("kade_ready 1\n")))
                .singleElement().satisfies(f -> assertThat(f).contains("no shadow model"));
    }

    @Test
    void promotionKeepsThePreviousModelAndRollbackPutsItBack() throws IOException {
        Path model = Files.writeString(dir.resolve("model.onnx"), "champion");
        Path shadow = Files.writeString(dir.resolve("shadow.onnx"), "challenger");
        Promotion.promote(model, shadow, Optional.of(Promotion.Evidence.parse(SCRAPE)), Instant.parse("2026-12-03T17:00:00Z"));
        assertThat(Files.readString(model)).isEqualTo("challenger");
        assertThat(Files.readString(Promotion.previous(model))).isEqualTo("champion");
        assertThat(Files.readString(shadow)).as("the shadow slot is left as it was").isEqualTo("challenger");

        Promotion.rollback(model, Instant.parse("2026-12-03T18:00:00Z"));
        assertThat(Files.readString(model)).isEqualTo("champion");
        assertThat(Files.readString(Promotion.previous(model))).as("one step: the rolled-back model is next in line")
                .isEqualTo("challenger");
        assertThat(Files.readAllLines(Promotion.log(model))).hasSize(2)
                .satisfies(l -> assertThat(l.get(0)).contains("\"action\":\"promote\"").contains("\"shadow_version\":\"ae-2\"")
                        .contains("\"rank_correlation\":0.9300"))
                .satisfies(l -> assertThat(l.get(1)).contains("\"action\":\"rollback\""));
        assertThat(dir.toFile().list()).noneMatch(n -> n.endsWith(".tmp"));
    }

    @Test
    void nothingToPromoteOrRollBackIsAnError() {
        Path model = dir.resolve("model.onnx");
        assertThatThrownBy(() -> Promotion.promote(model, dir.resolve("absent.onnx"), Optional.empty(), Instant.EPOCH))
                .hasMessageContaining("no shadow model");
        assertThatThrownBy(() -> Promotion.rollback(model, Instant.EPOCH)).hasMessageContaining("nothing to roll back");
    }
}
