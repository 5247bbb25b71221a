package dev.kade.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kade.model.ModelKind;
import dev.kade.train.TrainConfig;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {

    @Test
    void theDefaultsComeFirstThenDistinctSeededDraws() {
        List<Candidate> c = SearchSpace.candidates(20, 3);
        assertThat(c).hasSize(20);
        assertThat(c.subList(0, 3)).containsExactly(Candidate.defaults(ModelKind.AE), Candidate.defaults(ModelKind.VAE), Candidate.defaultMix());
        assertThat(new HashSet<>(c.stream().map(Candidate::name).toList())).hasSize(20);
        assertThat(SearchSpace.candidates(20, 3)).isEqualTo(c);
        assertThat(SearchSpace.candidates(20, 4)).isNotEqualTo(c);
        assertThat(SearchSpace.candidates(2, 3)).containsExactly(c.get(0), c.get(1));
        assertThat(c.subList(3, 20)).extracting(Candidate::kind).contains(ModelKind.AE, ModelKind.VAE);
    }

    @Test
    void defaultCandidatesTrainExactlyWhatTrainDoesWithoutOptions() {
        TrainConfig base = TrainConfig.defaults(ModelKind.AE);
        TrainConfig ae = Candidate.defaults(ModelKind.AE).config(base, 9);
        assertThat(ae.network(9).parameterCount()).isEqualTo(base.network(9).parameterCount());
        assertThat(ae.hiddenFor(9)).isEqualTo(base.hiddenFor(9));
        assertThat(ae.latentFor(9)).isEqualTo(base.latentFor(9));
        TrainConfig mix = Candidate.defaultMix().config(base, 9);
        assertThat(mix.mixed()).isTrue();
        assertThat(mix.ensemble()).isEqualTo(TrainConfig.DEFAULT_ENSEMBLE);
        assertThat(Candidate.defaultMix().trainOptions(9)).isEqualTo("--kind mix");
    }

    @Test
    void aGridCandidateScalesWithTheFeaturesAndSaysItsTrainOptions() {
        Candidate c = new Candidate(ModelKind.VAE, false, List.of(4.0, 2.0), 0.25, 3e-3, 2);
        TrainConfig config = c.config(TrainConfig.defaults(ModelKind.AE), 10);
        assertThat(config.kind()).isEqualTo(ModelKind.VAE);
        assertThat(config.hiddenFor(10)).containsExactly(40, 20);
        assertThat(config.latentFor(10)).isEqualTo(3);
        assertThat(config.learningRate()).isEqualTo(3e-3);
        assertThat(config.beta()).isEqualTo(2);
        assertThat(c.name()).isEqualTo("vae h=4F,2F z=0.25F lr=0.003 beta=2");
        assertThat(c.trainOptions(10)).isEqualTo("--kind vae --hidden 40,20 --latent-dim 3 --learning-rate 0.003 --beta 2");
    }

    @Test
    void trialsOutsideTheirRangeAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> SearchSpace.candidates(0, 1)).hasMessageContaining("--trials 0");
        assertThatThrownBy(() -> SearchSpace.candidates(SearchSpace.MAX_TRIALS + 1, 1)).hasMessageContaining("--trials");
    }
}
