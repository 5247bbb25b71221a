package dev.kade.tune;

import dev.kade.eval.Evaluator;
import dev.kade.eval.Metrics;
import dev.kade.features.DataSet;
import dev.kade.train.DataSplit;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainConfig;
import dev.kade.train.TrainedEnsemble;
import dev.kade.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Chooses a model configuration by experiment, then trains it on all the data.
 *
 * <p>The rows are split once, with the seed, into a tuning part (80%) and held-out rows (20%) that no
 * candidate sees, not even for early stopping. Each candidate is trained on the tuning part exactly as
 * {@code kade train} would train it ({@link Trainer#trainEnsemble}, same seed), and scored on the held-out
 * rows and on {@link SyntheticAnomalies} made from them. The candidate with the highest {@link Criterion}
 * value wins (the earlier one on a tie, so the defaults win ties), and is trained again on all rows: the
 * model {@code kade train} with that candidate's options would make.
 *
 * <p>Deterministic: the same data, base config (seed) and candidates give the same values and choice.
 */
public final class Tuner {
    /** Share of rows held out from every candidate to compute the criterion. */
    public static final double HOLDOUT_SHARE = 0.2;
    /** Fewest rows tuning accepts: the held-out part needs enough normal rows for an AUC that means something. */
    public static final int MIN_ROWS = 50;

    private final Trainer trainer;

    public Tuner(Trainer trainer) {
        this.trainer = Objects.requireNonNull(trainer, "trainer");
    }

    /**
     * Tries every candidate and trains the winner on all of {@code data}.
     *
     * @param data       normal rows only
     * @param base       settings the candidates do not vary (epochs, patience, seed, threshold, scaling)
     * @param candidates what to try, in this order
     * @param labelled   labelled validation rows (same features as {@code data}), or empty
     * @param rankBy     {@link Criterion#LABELLED} needs {@code labelled}
     * @param onTrial    told of each trial as it finishes (progress output)
     * @throws IllegalArgumentException with too few rows, no candidates, or LABELLED without labelled rows
     * @throws IllegalStateException    if every candidate failed
     */
    public TuneResult tune(DataSet data, TrainConfig base, List<Candidate> candidates, Optional<DataSet> labelled,
                           Criterion rankBy, Consumer<Trial> onTrial) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(labelled, "labelled");
        Objects.requireNonNull(rankBy, "rankBy");
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no candidates to try");
        }
        if (data.size() < MIN_ROWS) {
            throw new IllegalArgumentException(data.source() + ": need at least " + MIN_ROWS + " rows to tune, got " + data.size());
        }
        if (rankBy == Criterion.LABELLED && labelled.isEmpty()) {
            throw new IllegalArgumentException("ranking by labelled ROC-AUC needs a labelled validation set");
        }
        labelled.ifPresent(l -> requireLabelled(l, data));
        Holdout h = Holdout.of(data, base.seed());
        List<Trial> trials = new ArrayList<>();
        List<Optional<TrainedEnsemble>> models = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            TrainConfig config = c.config(base, data.width());
            long t0 = System.nanoTime();
            Trial trial;
            TrainedEnsemble model = null;
            try {
                model = trainer.trainEnsemble(h.fit(), config, ProgressListener.NONE);
                double seconds = (System.nanoTime() - t0) / 1e9;
                trial = measure(c, i, model, h, labelled, seconds);
            } catch (IllegalStateException e) {
                double seconds = (System.nanoTime() - t0) / 1e9;
                trial = new Trial(c, i, Double.NaN, Double.NaN, Double.NaN, Double.NaN, seconds, Optional.of(e.getMessage()));
            }
            trials.add(trial);
            models.add(Optional.ofNullable(model));
            onTrial.accept(trial);
        }
        int best = best(trials, rankBy);
        TrainConfig chosen = candidates.get(best).config(base, data.width());
        long t0 = System.nanoTime();
        TrainedEnsemble finalModel = trainer.trainEnsemble(data, chosen, ProgressListener.NONE);
        double finalSeconds = (System.nanoTime() - t0) / 1e9;
        return new TuneResult(rankBy, trials, models, best, chosen, finalModel, finalSeconds, h.heldOut().length);
    }

    private static Trial measure(Candidate c, int index, TrainedEnsemble model, Holdout h, Optional<DataSet> labelled,
                                 double seconds) {
        double[] normal = Evaluator.scores(model, h.heldOut());
        double permuted = auc(normal, Evaluator.scores(model, h.permuted()));
        double beyond = auc(normal, Evaluator.scores(model, h.beyondRange()));
        double labelledAuc = labelled.map(l -> Evaluator.evaluate(model, l, c.name()).metrics().rocAuc()).orElse(Double.NaN);
        double valLoss = model.size() == 1 ? model.members().get(0).history().bestValidationLoss() : Double.NaN;
        return new Trial(c, index, permuted, beyond, labelledAuc, valLoss, seconds, Optional.empty());
    }

    /** ROC-AUC of normal (label 0) against anomalous (label 1) scores. */
    static double auc(double[] normal, double[] anomalous) {
        double[] s = Arrays.copyOf(normal, normal.length + anomalous.length);
        System.arraycopy(anomalous, 0, s, normal.length, anomalous.length);
        int[] labels = new int[s.length];
        Arrays.fill(labels, normal.length, s.length, 1);
        return Metrics.rocAuc(s, labels);
    }

    /** Index of the highest value; the first on a tie; failed trials never win. */
    static int best(List<Trial> trials, Criterion rankBy) {
        int best = -1;
        for (int i = 0; i < trials.size(); i++) {
            double v = trials.get(i).value(rankBy);
            if (!Double.isNaN(v) && (best < 0 || v > trials.get(best).value(rankBy))) {
                best = i;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("every candidate failed to train: " + trials.get(0).failure().orElse("no value"));
        }
        return best;
    }

    private static void requireLabelled(DataSet l, DataSet data) {
        int[] labels = l.labelsIfAny().orElseThrow(() -> new IllegalArgumentException(l.source() + ": no label column"));
        if (!l.features().equals(data.features())) {
            throw new IllegalArgumentException(l.source() + ": features " + l.features() + " differ from the training data's " + data.features());
        }
        long anomalies = Arrays.stream(labels).filter(x -> x == 1).count();
        if (anomalies == 0 || anomalies == labels.length) {
            throw new IllegalArgumentException(l.source() + ": needs both normal (0) and anomalous (1) rows for a ROC-AUC, has "
                    + anomalies + " anomalies in " + labels.length + " rows");
        }
    }

    /**
     * The tuning part every candidate trains on, the held-out normal rows and the synthetic anomalies made
     * from them (beyond the range observed in the tuning part).
     */
    record Holdout(DataSet fit, float[][] heldOut, float[][] permuted, float[][] beyondRange) {

        static Holdout of(DataSet data, long seed) {
            DataSplit split = DataSplit.random(data.size(), HOLDOUT_SHARE, new SplittableRandom(seed ^ 0x74756E65L));
            float[][] fit = rows(data.rows(), split.train());
            float[][] held = rows(data.rows(), split.validation());
            return new Holdout(DataSet.of(data.features(), fit, data.source() + " (tuning part)"), held,
                    SyntheticAnomalies.permuted(held, seed + 1), SyntheticAnomalies.beyondRange(held, fit, seed + 2));
        }

        private static float[][] rows(float[][] all, int[] idx) {
            float[][] out = new float[idx.length][];
            for (int i = 0; i < idx.length; i++) {
                out[i] = all[idx[i]];
            }
            return out;
        }
    }
}
