package dev.kade.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelMetadataTest {
    private static final ModelMetadata META = new ModelMetadata(List.of("a", "b.c"), ModelKind.VAE, 1.25,
            ScoreDistribution.fromScores(new double[] {0.1, 0.2, 0.4, 0.8, 1.6}), "sha256:abc",
            Instant.parse("2026-11-25T06:00:00Z"), "vae-20261125-abc", Optional.of(new double[] {1.5, 2}));

    @Test
    void roundTripsThroughOnnxMetadataStrings() {
        Map<String, String> m = META.toOnnxMetadata();
        assertThat(m).containsEntry(ModelContract.KEY_KIND, "vae")
                .containsEntry(ModelContract.KEY_FEATURES, "[\"a\",\"b.c\"]")
                .containsEntry(ModelContract.KEY_CONTRACT_VERSION, "1");
        ModelMetadata back = ModelMetadata.fromOnnxMetadata(m);
        assertThat(back).isEqualTo(META);
        assertThat(back.featureScales()).hasValueSatisfying(s -> assertThat(s).containsExactly(1.5, 2));
        assertThat(back.percentile(0.4)).isEqualTo(META.percentile(0.4));
    }

    @Test
    void namesTheMissingOrMalformedKey() {
        for (String key : List.of(ModelContract.KEY_FEATURES, ModelContract.KEY_KIND, ModelContract.KEY_THRESHOLD,
                ModelContract.KEY_SCORE_QUANTILES, ModelContract.KEY_MODEL_VERSION)) {
            Map<String, String> m = new HashMap<>(META.toOnnxMetadata());
            m.remove(key);
            assertThatThrownBy(() -> ModelMetadata.fromOnnxMetadata(m)).isInstanceOf(InvalidModelException.class)
                    .hasMessageContaining(key);
        }
        Map<String, String> bad = new HashMap<>(META.toOnnxMetadata());
        bad.put(ModelContract.KEY_THRESHOLD, "high");
        assertThatThrownBy(() -> ModelMetadata.fromOnnxMetadata(bad)).hasMessageContaining(ModelContract.KEY_THRESHOLD);
        bad.put(ModelContract.KEY_THRESHOLD, "1");
        bad.put(ModelContract.KEY_KIND, "gan");
        assertThatThrownBy(() -> ModelMetadata.fromOnnxMetadata(bad)).hasMessageContaining(ModelContract.KEY_KIND);
        bad.put(ModelContract.KEY_KIND, "ae");
        bad.put(ModelContract.KEY_CONTRACT_VERSION, "9");
        assertThatThrownBy(() -> ModelMetadata.fromOnnxMetadata(bad)).hasMessageContaining("contract version 9");
    }

    @Test
    void refusesDuplicateFeaturesAndScalesOfTheWrongWidth() {
        assertThatThrownBy(() -> new ModelMetadata(List.of("a", "a"), ModelKind.AE, 1, META.distribution(), "f",
                Instant.EPOCH, "v")).hasMessageContaining("twice");
        assertThatThrownBy(() -> new ModelMetadata(List.of("a"), ModelKind.RECONSTRUCTION, 1, META.distribution(), "f",
                Instant.EPOCH, "v", Optional.of(new double[] {1, 2}))).hasMessageContaining(ModelContract.KEY_FEATURE_SCALES);
    }

    @Test
    void aWindowedModelCarriesItsSeriesSpecAndAWindowWideProbe() {
        dev.kade.series.SeriesSpec spec = new dev.kade.series.SeriesSpec(3, 2, dev.kade.series.Normalisation.EWM, 50, 1e-6, 1e-3, 10);
        float[][] rows = {{1, 2, 3, 4, 5, 6, 0, 0, 1, 1}, {1, 2, 3, 4, 5, 9, 0, 0, 1, 1}};
        ModelMetadata windowed = new ModelMetadata(List.of("a", "b"), ModelKind.AE, 1.25, META.distribution(), "fp",
                Instant.EPOCH, "w1").withSeries(spec).withProbe(ModelProbe.sample(rows, new double[] {0.1, 0.9}));
        assertThat(windowed.window()).isEqualTo(3);
        assertThat(windowed.probeWidth()).isEqualTo(10);
        Map<String, String> m = windowed.toOnnxMetadata();
        assertThat(m).containsEntry("kade.window", "3").containsEntry("kade.series.stats", "ewm");
        ModelMetadata back = ModelMetadata.fromOnnxMetadata(m);
        assertThat(back).isEqualTo(windowed);
        assertThat(back.series()).contains(spec);
        assertThat(META.window()).isEqualTo(1);
        assertThat(META.series()).isEmpty();
        Map<String, String> one = new HashMap<>(META.toOnnxMetadata());
        one.put("kade.window", "1");
        assertThat(ModelMetadata.fromOnnxMetadata(one).series()).isEmpty();
    }

    @Test
    void refusesAWindowedProbeOfTheWrongWidthAndAMalformedWindow() {
        dev.kade.series.SeriesSpec spec = dev.kade.series.SeriesSpec.of(3, 2);
        ModelMetadata windowed = new ModelMetadata(List.of("a", "b"), ModelKind.AE, 1.25, META.distribution(), "fp",
                Instant.EPOCH, "w1").withSeries(spec);
        ModelProbe perRecord = ModelProbe.sample(new float[][] {{1, 2}}, new double[] {0.5});
        assertThatThrownBy(() -> windowed.withProbe(perRecord)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("(W+2)");
        assertThatThrownBy(() -> windowed.withSeries(dev.kade.series.SeriesSpec.of(3, 1)))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("features per step");
        Map<String, String> bad = new HashMap<>(windowed.toOnnxMetadata());
        bad.put("kade.window", "many");
        assertThatThrownBy(() -> ModelMetadata.fromOnnxMetadata(bad)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("kade.window");
        bad.put("kade.window", "4");
        bad.put("kade.series.clip", "-1");
        assertThatThrownBy(() -> ModelMetadata.fromOnnxMetadata(bad)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("kade.series.clip");
    }
}
