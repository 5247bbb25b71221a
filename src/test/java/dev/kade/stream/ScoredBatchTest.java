package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ScoreDistribution;
import dev.kade.model.Scorer;
import dev.kade.model.Scores;
import dev.kade.model.ServableModel;
import dev.kade.output.DeadLetterReason;
import dev.kade.output.Source;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** Every record of a batch ends in exactly one outcome, and a reused batch starts clean. */
class ScoredBatchTest {
    /** Scores a row by its one feature; 13 gives NaN; a batch holding 66 fails as a whole (66 alone fails too). */
    private static final Scorer SCORER = new Scorer() {
        private final ModelMetadata meta = new ModelMetadata(List.of("a"), ModelKind.AE, 10,
                new ScoreDistribution(new double[] {0, 1}, new double[] {0, 1}), "fp", Instant.EPOCH, "v1");

        @Override
        public Scores score(float[][] rows) {
            float[] s = new float[rows.length];
            float[][] errors = new float[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                if (rows[i][0] == 66) {
                    throw new IllegalStateException("cannot score 66");
                }
                s[i] = rows[i][0] == 13 ? Float.NaN : rows[i][0];
                errors[i] = new float[] {rows[i][0] / 2};
            }
            return new Scores(s, errors);
        }

        @Override
        public ModelMetadata metadata() {
            return meta;
        }
    };
    private final ServingModel model = new ServingModel(ServableModel.unowned(SCORER));
    private final ScoredBatch batch = new ScoredBatch();
    private long offset;

    private PendingBatch.Entry entry(String json) {
        Record<byte[], byte[]> r = new Record<>(null, json.getBytes(StandardCharsets.UTF_8), 0L);
        return new PendingBatch.Entry(r, new Source("in", 0, offset++), null);
    }

    private void score(String... values) {
        List<PendingBatch.Entry> entries = new ArrayList<>();
        for (String v : values) {
            entries.add(entry(v));
        }
        batch.read(entries, model.reader(), 0);
        batch.score(model);
    }

    @Test
    void unreadableAndNanRowsAreDeadLetteredAndTheRestKeepTheirOwnScoresAndOffsets() {
        score("{\"a\": 1}", "not json", "{\"a\": 13}", "{\"a\": 4}");
        assertThat(batch.size()).isEqualTo(4);
        assertThat(batch.readable()).isEqualTo(3);
        assertThat(batch.row(0).scored()).isTrue();
        assertThat(batch.score(batch.row(0))).isEqualTo(1f);
        assertThat(batch.row(1).deadLetter().reason()).isEqualTo(DeadLetterReason.NOT_JSON);
        assertThat(batch.row(2).deadLetter().reason()).isEqualTo(DeadLetterReason.SCORING_FAILED);
        assertThat(batch.row(2).deadLetter().detail()).contains("NaN");
        ScoredBatch.Row last = batch.row(3);
        assertThat(last.scored()).isTrue();
        assertThat(batch.score(last)).isEqualTo(4f);
        // its features and errors sit at its own row among the readable ones (the third), not at its batch position
        assertThat(batch.featureOffset(last)).isEqualTo(2);
        assertThat(batch.features()[batch.featureOffset(last)]).isEqualTo(4f);
        assertThat(batch.featureErrors()[batch.featureOffset(last)]).isEqualTo(2f);
        assertThat(batch.latent()).isNull();
        for (int i = 0; i < batch.size(); i++) {
            assertThat(batch.row(i).entry().source().offset()).isEqualTo(i);
        }
    }

    @Test
    void aRowThatFailsTheModelCostsOnlyItselfWhenTheBatchIsRetriedRowByRow() {
        score("{\"a\": 1}", "{\"a\": 66}", "{\"a\": 3}");
        assertThat(batch.row(0).scored()).isTrue();
        assertThat(batch.row(1).deadLetter().reason()).isEqualTo(DeadLetterReason.SCORING_FAILED);
        assertThat(batch.row(1).deadLetter().detail()).contains("cannot score 66");
        assertThat(batch.row(2).scored()).isTrue();
        assertThat(batch.score(batch.row(2))).isEqualTo(3f);
    }

    @Test
    void aReusedBatchForgetsThePreviousBatchsOutcomes() {
        score("not json", "{\"a\": 13}", "{\"a\": 5}");
        score("{\"a\": 7}", "{\"a\": 8}");
        assertThat(batch.size()).isEqualTo(2);
        assertThat(batch.readable()).isEqualTo(2);
        assertThat(batch.row(0).scored()).isTrue();
        assertThat(batch.row(1).scored()).isTrue();
        assertThat(batch.score(batch.row(0))).isEqualTo(7f);
        assertThat(batch.score(batch.row(1))).isEqualTo(8f);
    }
}
