package dev.kade.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.model.ModelKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
    private static String run(boolean terminal) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal);
        p.started(TrainConfig.defaults(ModelKind.AE), 80, 20, 100);
        p.epoch(new ProgressListener.Epoch(1, 2, 0.5, 0.6, 0.6, 1, 0.01));
        p.epoch(new ProgressListener.Epoch(2, 2, 0.4, 0.5, 0.5, 2, 0.01));
        p.finished(new TrainingHistory(List.of(0.5, 0.4), List.of(0.6, 0.5), List.of(0.01, 0.01), 2, false));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void plainLinesWhenNotATerminal() {
        String out = run(false);
        assertThat(out).doesNotContain("\r").contains("epoch 1/2  loss 0.50000  val 0.60000", "epoch 2/2");
        assertThat(out.lines()).hasSize(4);
    }

    @Test
    void redrawnBarOnATerminal() {
        String out = run(true);
        assertThat(out).contains("\r[###############               ] epoch 1/2", "\r[##############################] epoch 2/2");
    }

    @Test
    void ensembleMembersGetPlainLinesThatNameThem() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        ProgressListener first = p.member(0, 4, ModelKind.AE);
        ProgressListener second = p.member(1, 4, ModelKind.VAE);
        first.started(TrainConfig.defaults(ModelKind.AE), 80, 20, 100);
        second.started(TrainConfig.defaults(ModelKind.VAE), 80, 20, 100);
        second.epoch(new ProgressListener.Epoch(1, 2, 0.5, 0.6, 0.6, 1, 0.01));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).doesNotContain("\r").contains("member 1/4 ae: training 80 train rows",
                "member 2/4 vae: epoch 1/2  loss 0.50000");
    }

    @Test
    void timeLeftShowsOnlyForLongRuns() {
        assertThat(ConsoleProgress.eta(5)).isEmpty();
        assertThat(ConsoleProgress.eta(42)).isEqualTo("  eta ≤ 42s");
        assertThat(ConsoleProgress.eta(65)).isEqualTo("  eta ≤ 1m05s");
    }
}
