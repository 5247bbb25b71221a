package dev.kade.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.model.InvalidModelException;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ModelProbe;
import dev.kade.series.Normalisation;
import dev.kade.series.SeriesSpec;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The model contract's checks of windowed models, on the Java forward pass (ONNX Runtime: OnnxWindowedModelTest). */
class WindowedContractTest {
    private static final SeriesSpec SPEC = new SeriesSpec(5, 2, Normalisation.CUMULATIVE, 24, 1e-6, 1e-3, 10);

    @Test
    void aTrainedWindowedModelVerifiesWithItsProbe() {
        for (ModelKind kind : new ModelKind[] {ModelKind.AE, ModelKind.VAE}) {
            WindowedModel m = SeriesFixtures.train(SPEC, kind, false);
            assertThat(ModelContract.verify(m)).as(kind.label()).isEqualTo(ModelContract.Verification.VERIFIED);
        }
        assertThat(ModelContract.verify(SeriesFixtures.train(SPEC, ModelKind.AE, true))).isEqualTo(ModelContract.Verification.VERIFIED);
    }

    @Test
    void metadataFromAnotherWindowedModelIsRefused() {
        WindowedModel m = SeriesFixtures.train(SPEC, ModelKind.AE, false);
        ModelProbe p = m.probe();
        float[] scores = p.scores();
        for (int i = 0; i < scores.length; i++) {
            scores[i] = scores[i] * 3 + 1;
        }
        WindowedModel lying = new WindowedModel(m.inner(), m.metadata().withProbe(new ModelProbe(p.probabilities(), p.rows(), scores)));
        assertThatThrownBy(() -> ModelContract.verify(lying)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining(ModelContract.KEY_PROBE);
        ModelMetadata saysVae = new ModelMetadata(m.metadata().features(), ModelKind.VAE, m.metadata().threshold(),
                m.metadata().distribution(), "fp", m.metadata().createdAt(), "v", Optional.empty(), Optional.empty(),
                m.metadata().series());
        assertThatThrownBy(() -> ModelContract.verify(new WindowedModel(m.inner(), saysVae.withProbe(p))))
                .hasMessageContaining("kade.kind=vae");
    }

    @Test
    void aReplacementMustKeepTheWindowAndNormalisation() {
        WindowedModel m = SeriesFixtures.train(SPEC, ModelKind.AE, false);
        ModelContract.verifyReplacement(m.metadata(), m);
        WindowedModel other = SeriesFixtures.train(SPEC.withNormalisation(Normalisation.EWM, 50), ModelKind.AE, false);
        assertThatThrownBy(() -> ModelContract.verifyReplacement(m.metadata(), other))
                .hasMessageContaining("window and normalisation");
    }
}
