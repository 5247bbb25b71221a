package dev.kade.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress on a console: a redrawn bar with the losses when the output is a terminal, one plain line per
 * epoch otherwise (logs, CI, pipes).
 */
public final class ConsoleProgress implements ProgressListener {
    private static final int BAR = 30;
    private final PrintStream out;
    private final boolean terminal;

    public ConsoleProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Progress on standard error, as a bar when a terminal is attached. */
    public static ConsoleProgress stderr() {
        return new ConsoleProgress(System.err, System.console() != null);
    }

    @Override
    public void started(TrainConfig c, int trainRows, int validationRows, int parameters) {
        out.printf(Locale.ROOT, "training %s: %d train rows, %d validation rows, %d parameters, up to %d epochs%n",
                c.kind().label(), trainRows, validationRows, parameters, c.epochs());
    }

    @Override
    public void epoch(Epoch e) {
        String figures = String.format(Locale.ROOT, "epoch %d/%d  loss %.5f  val %.5f  best %.5f (epoch %d)  %.2fs",
                e.epoch(), e.maxEpochs(), e.trainLoss(), e.validationLoss(), e.bestValidationLoss(), e.bestEpoch(), e.seconds());
        if (terminal) {
            int filled = (int) Math.round(BAR * (double) e.epoch() / e.maxEpochs());
            out.print("\r[" + "#".repeat(filled) + " ".repeat(BAR - filled) + "] " + figures + "   ");
            out.flush();
        } else {
            out.println(figures);
        }
    }

    @Override
    public void finished(TrainingHistory h) {
        if (terminal) {
            out.println();
        }
        out.printf(Locale.ROOT, "%s after %d epochs; kept epoch %d (validation loss %.5f); %.3f s per epoch%n",
                h.stoppedEarly() ? "stopped early" : "finished", h.epochs(), h.bestEpoch(), h.bestValidationLoss(),
                h.meanEpochSeconds());
    }
}
