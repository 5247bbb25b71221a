package dev.kade.train;

import dev.kade.model.ModelKind;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress on a console: a redrawn bar with the losses when the output is a terminal, one plain line per
 * epoch otherwise (logs, CI, pipes). Ensemble members, which may train on several threads at once, always get
 * one plain line per epoch that names the member ({@code member 3/6 vae}) and estimates the time left of the
 * whole ensemble.
 *
 * <p>Time estimates ("eta") appear once a run is long (more than {@value #ETA_AFTER_SECONDS} s left) and assume
 * every unfinished network runs its maximum epochs, so they are upper bounds when early stopping ends a network
 * sooner.
 */
public final class ConsoleProgress implements ProgressListener {
    private static final int BAR = 30;
    /** Estimates of less than this many seconds are not worth a column. */
    static final double ETA_AFTER_SECONDS = 10;
    private final PrintStream out;
    private final boolean terminal;
    /** Shared by the member listeners of one ensemble; null until {@link #member} is called. */
    private Ensemble ensemble;

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

    private double secondsSoFar;

    @Override
    public void epoch(Epoch e) {
        secondsSoFar += e.seconds();
        String figures = figures(e) + eta(secondsSoFar / e.epoch() * (e.maxEpochs() - e.epoch()));
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
        out.println(summary(h));
    }

    /**
     * A thread-safe listener for one member of an ensemble: plain lines prefixed {@code member K/N kind}, with
     * the ensemble's estimated time left.
     */
    @Override
    public synchronized ProgressListener member(int index, int count, ModelKind kind) {
        if (ensemble == null || ensemble.count != count || index == 0) {
            ensemble = new Ensemble(count);
        }
        return new MemberProgress(ensemble, String.format(Locale.ROOT, "member %d/%d %s", index + 1, count, kind.label()));
    }

    private static String figures(Epoch e) {
        return String.format(Locale.ROOT, "epoch %d/%d  loss %.5f  val %.5f  best %.5f (epoch %d)  %.2fs",
                e.epoch(), e.maxEpochs(), e.trainLoss(), e.validationLoss(), e.bestValidationLoss(), e.bestEpoch(), e.seconds());
    }

    private static String summary(TrainingHistory h) {
        return String.format(Locale.ROOT, "%s after %d epochs; kept epoch %d (validation loss %.5f); %.3f s per epoch",
                h.stoppedEarly() ? "stopped early" : "finished", h.epochs(), h.bestEpoch(), h.bestValidationLoss(),
                h.meanEpochSeconds());
    }

    /** {@code "  eta ≤ 1m05s"} when {@code seconds} is long enough to matter, else nothing. */
    static String eta(double seconds) {
        if (!(seconds > ETA_AFTER_SECONDS)) {
            return "";
        }
        long s = Math.round(seconds);
        return s >= 60 ? String.format(Locale.ROOT, "  eta ≤ %dm%02ds", s / 60, s % 60) : String.format(Locale.ROOT, "  eta ≤ %ds", s);
    }

    /**
     * Epochs of one ensemble: those still to run at most (every unfinished member at its maximum) and those run,
     * against the wall time since the first member started, give the time left at the current pace (all threads).
     */
    private static final class Ensemble {
        final int count;
        long startNanos;
        int budget;
        int done;

        Ensemble(int count) {
            this.count = count;
        }

        synchronized void started(int maxEpochs) {
            if (startNanos == 0) {
                startNanos = System.nanoTime();
                budget = count * maxEpochs;
            }
        }

        /** One more epoch run; the seconds the ensemble has left at this pace. */
        synchronized double epochDone() {
            done++;
            double elapsed = (System.nanoTime() - startNanos) / 1e9;
            return elapsed / done * Math.max(0, budget - done);
        }

        synchronized void finished(int maxEpochs, int epochs) {
            budget -= maxEpochs - epochs;
        }
    }

    private final class MemberProgress implements ProgressListener {
        private final Ensemble ensemble;
        private final String label;
        private int maxEpochs;

        MemberProgress(Ensemble ensemble, String label) {
            this.ensemble = ensemble;
            this.label = label;
        }

        @Override
        public void started(TrainConfig c, int trainRows, int validationRows, int parameters) {
            maxEpochs = c.epochs();
            ensemble.started(maxEpochs);
            line(String.format(Locale.ROOT, "%s: training %d train rows, %d validation rows, %d parameters, up to %d epochs",
                    label, trainRows, validationRows, parameters, c.epochs()));
        }

        @Override
        public void epoch(Epoch e) {
            line(label + ": " + figures(e) + eta(ensemble.epochDone()).replace("eta", "ensemble eta"));
        }

        @Override
        public void finished(TrainingHistory h) {
            ensemble.finished(maxEpochs, h.epochs());
            line(label + ": " + summary(h));
        }

        private void line(String text) {
            synchronized (out) {
                out.println(text);
            }
        }
    }
}
