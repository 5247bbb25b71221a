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
}
