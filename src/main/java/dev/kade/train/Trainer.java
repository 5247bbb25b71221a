package dev.kade.train;

import dev.kade.features.DataSet;
import dev.kade.model.ModelKind;
import dev.kade.model.ModelMetadata;
import dev.kade.model.ModelProbe;
import dev.kade.model.ScoreDistribution;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fits an AE or VAE on normal data and calibrates its threshold.
 *
 * <p>One run: shuffle and split rows into training and validation ({@link TrainConfig#validationSplit()}),
 * fit the {@link Standardizer} on the training split only, train with mini-batch Adam, evaluate the
 * validation loss (the mean anomaly score, which for the VAE is the deterministic negative ELBO with
 * z = μ) after each epoch, stop after {@code patience} epochs without improvement and keep the best
 * epoch's parameters, rounded to float32. The threshold is the {@link TrainConfig#thresholdQuantile()}
 * quantile of the validation scores, and the stored score distribution is that of the validation scores
 * (held-out normal data, which is what a served score is compared with). The metadata carries a
 * {@link ModelProbe} of those validation rows, which the scorer re-scores at load.
 *
 * <p>Deterministic: one {@link SplittableRandom} seeded from the config drives the split, the
 * initialisation, the shuffles and the VAE noise, and every sum runs in a fixed order, so the same data and
 * config give the same parameters bit for bit.
 *
 * <p>Ensemble members train in parallel on a fixed pool of {@link #threads()} threads (at most one per member).
 * Each member owns its generator (seeded by {@link #memberSeed}), its parameter, gradient, optimiser and batch
 * arrays, and reads only shared immutable inputs (rows, split, standardiser, network architecture), and the
 * members are assembled in member order, so the result is bit-identical for a given seed whatever the thread count.
 */
public final class Trainer {
    private static final double MIN_RELATIVE_IMPROVEMENT = 1e-4;
    private static final DateTimeFormatter VERSION_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Clock clock;
    private final int threads;

    /** A trainer on the system clock that trains up to {@link #defaultThreads()} ensemble members at once. */
    public Trainer() {
        this(Clock.systemUTC());
    }

    /** A trainer whose models record their creation time from {@code clock}. */
    public Trainer(Clock clock) {
        this(clock, defaultThreads());
    }

    /**
     * A trainer that trains up to {@code threads} ensemble members at once (the pool never exceeds the member
     * count); the thread count changes how long training takes, never the model.
     *
     * @throws IllegalArgumentException if {@code threads} is below 1
     */
    public Trainer(Clock clock, int threads) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
    }

    /** The available processors: one member per core. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** How many ensemble members this trainer trains at once, at most. */
    public int threads() {
        return threads;
    }

    /** This trainer with another thread count (see {@link #Trainer(Clock, int)}). */
    public Trainer withThreads(int threads) {
        return new Trainer(clock, threads);
    }

    /**
     * Trains a model on {@code data} (normal rows only; labels, if any, are ignored).
     *
     * @throws IllegalArgumentException if the data set has fewer than two rows
     */
    public TrainedModel train(DataSet data, TrainConfig config, ProgressListener progress) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(progress, "progress");
        int n = data.size();
        if (n < 2) {
            throw new IllegalArgumentException(data.source() + ": need at least 2 rows to train, got " + n);
        }
        SplittableRandom rng = new SplittableRandom(config.seed());
        DataSplit split = DataSplit.random(n, config.validationSplit(), rng);
        Standardizer standardizer = Standardizer.fit(data.rows(), split.train(), config.scaling());
        return trainMember(data, config, split, standardizer, rng, progress);
    }

    /**
     * Trains one network on a given split and standardiser, drawing initialisation, shuffles and noise from
     * {@code rng}. {@link #train} is this with the split and standardiser it makes from the config's seed;
     * an ensemble calls it once per member with the shared split and a member's own generator, so that
     * every member is judged on the same held-out rows.
     */
    public TrainedModel trainMember(DataSet data, TrainConfig config, DataSplit split, Standardizer standardizer,
                                    SplittableRandom rng, ProgressListener progress) {
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(standardizer, "standardizer");
        Objects.requireNonNull(rng, "rng");
        int f = data.width();
        int[] trainIdx = split.train();
        int[] valIdx = split.validation();
        int nVal = valIdx.length;
        double[] xTrain = standardise(data.rows(), trainIdx, standardizer);
        double[] xVal = standardise(data.rows(), valIdx, standardizer);

        Network net = config.network(f);
        double[] params = new double[net.parameterCount()];
        net.initialise(params, rng);
        double[] best = params.clone();
        double[] grad = new double[params.length];
        Adam adam = new Adam(params.length, config.learningRate(), config.weightDecay());

        progress.started(config, trainIdx.length, nVal, params.length);
        List<Double> trainLoss = new ArrayList<>();
        List<Double> valLoss = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        boolean stoppedEarly = false;
        int nTrain = trainIdx.length;
        int batchSize = Math.min(config.batchSize(), nTrain);
        double[] batch = new double[batchSize * f];
        int[] rows = new int[nTrain];
        for (int i = 0; i < nTrain; i++) {
            rows[i] = i;
        }
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            long t0 = System.nanoTime();
            shuffle(rows, rng);
            double lossSum = 0;
            for (int start = 0; start < nTrain; start += batchSize) {
                int b = Math.min(batchSize, nTrain - start);
                for (int r = 0; r < b; r++) {
                    System.arraycopy(xTrain, rows[start + r] * f, batch, r * f, f);
                }
                Arrays.fill(grad, 0);
                double loss = net.lossAndGradient(params, batch, b, grad, rng);
                adam.step(params, grad);
                lossSum += loss * b;
            }
            double val = meanScore(net, params, xVal, nVal);
            double secs = (System.nanoTime() - t0) / 1e9;
            trainLoss.add(lossSum / nTrain);
            valLoss.add(val);
            seconds.add(secs);
            if (val < bestLoss - MIN_RELATIVE_IMPROVEMENT * Math.abs(bestLoss) || bestEpoch == 0) {
                bestLoss = val;
                bestEpoch = epoch;
                System.arraycopy(params, 0, best, 0, params.length);
            }
            progress.epoch(new ProgressListener.Epoch(epoch, config.epochs(), lossSum / nTrain, val, bestLoss, bestEpoch, secs));
            if (!Double.isFinite(val)) {
                throw new IllegalStateException("training diverged at epoch " + epoch + " (validation loss " + val
                        + "); lower --learning-rate");
            }
            if (config.earlyStoppingPatience() > 0 && epoch - bestEpoch >= config.earlyStoppingPatience()) {
                stoppedEarly = epoch < config.epochs();
                break;
            }
        }
        for (int i = 0; i < best.length; i++) {
            best[i] = (float) best[i];
        }
        TrainingHistory history = new TrainingHistory(trainLoss, valLoss, seconds, bestEpoch, stoppedEarly);
        progress.finished(history);

        double[] valScores = scores(net, best, xVal, nVal);
        double threshold = config.thresholdRule().threshold(valScores, config.thresholdQuantile());
        Instant created = clock.instant();
        ModelMetadata metadata = new ModelMetadata(data.features(), config.kind(), threshold,
                ScoreDistribution.fromScores(valScores), data.fingerprint(), created,
                config.kind().label() + "-" + VERSION_TIME.format(created))
                .withProbe(ModelProbe.sample(rowsAt(data.rows(), valIdx), valScores))
                .withFeatureBinsOf(data.rows());
        return new TrainedModel(net, best, standardizer, metadata, config, history, valScores);
    }

    private static float[][] rowsAt(float[][] rows, int[] idx) {
        float[][] out = new float[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            out[i] = rows[idx[i]];
        }
        return out;
    }

    /**
     * Trains {@link TrainConfig#ensemble()} members on one shared split and standardiser (members differ by
     * their random generator, seeded by {@link #memberSeed}, and, with {@link TrainConfig#mixed()}, by kind), fits each member's
     * {@link MemberScale} on its validation scores, and calibrates threshold and score quantiles on the
     * combined validation scores. With K = 1 (not mixed) the result wraps exactly the model {@link #train} makes.
     */
    public TrainedEnsemble trainEnsemble(DataSet data, TrainConfig config, ProgressListener progress) {
        if (config.ensemble() == 1 && !config.mixed()) {
            return TrainedEnsemble.of(train(data, config, progress));
        }
        Objects.requireNonNull(data, "data");
        int n = data.size();
        if (n < 2) {
            throw new IllegalArgumentException(data.source() + ": need at least 2 rows to train, got " + n);
        }
        SplittableRandom rng = new SplittableRandom(config.seed());
        DataSplit split = DataSplit.random(n, config.validationSplit(), rng);
        Standardizer standardizer = Standardizer.fit(data.rows(), split.train(), config.scaling());
        int[] val = split.validation();
        float[][] valRows = new float[val.length][];
        for (int i = 0; i < val.length; i++) {
            valRows[i] = data.rows()[val[i]];
        }
        List<Member> trained = trainMembers(data, config, split, standardizer, valRows, progress);
        List<MemberScale> scales = new ArrayList<>();
        List<TrainedModel> members = new ArrayList<>();
        for (Member m : trained) {
            members.add(m.model());
            scales.add(m.scale());
        }
        TrainedEnsemble draft = new TrainedEnsemble(members, scales, members.get(0).metadata(), config, new double[0]);
        double[] valScores = draft.scoreValues(valRows);
        double threshold = config.thresholdRule().threshold(valScores, config.thresholdQuantile());
        Instant created = clock.instant();
        ModelKind kind = ModelKind.ENSEMBLE;
        ModelMetadata metadata = new ModelMetadata(data.features(), kind, threshold,
                ScoreDistribution.fromScores(valScores), data.fingerprint(), created,
                kind.label() + "-" + VERSION_TIME.format(created))
                .withProbe(ModelProbe.sample(valRows, valScores))
                .withFeatureBinsOf(data.rows());
        return new TrainedEnsemble(members, scales, metadata, config, valScores);
    }

    /** A trained member and its scale. */
    private record Member(TrainedModel model, MemberScale scale) {
    }

    /**
     * Trains every member, up to {@link #threads} at once, and returns them in member order. Members share
     * nothing mutable (see the class comment), so the order in which threads finish cannot change a bit.
     */
    private List<Member> trainMembers(DataSet data, TrainConfig config, DataSplit split, Standardizer standardizer,
                                      float[][] valRows, ProgressListener progress) {
        int count = config.ensemble();
        List<java.util.concurrent.Callable<Member>> tasks = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            int index = k;
            TrainConfig mc = config.toBuilder().kind(config.memberKind(k)).ensemble(1).mixed(false).build();
            ProgressListener memberProgress = progress.member(k, count, mc.kind());
            tasks.add(() -> {
                SplittableRandom memberRng = new SplittableRandom(memberSeed(config.seed(), index));
                TrainedModel m = trainMember(data, mc, split, standardizer, memberRng, memberProgress);
                return new Member(m, memberScale(m, valRows));
            });
        }
        int poolSize = Math.min(threads, count);
        List<Member> members = new ArrayList<>(count);
        if (poolSize == 1) {
            for (var task : tasks) {
                members.add(call(task));
            }
            return members;
        }
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(poolSize, r -> {
            Thread t = new Thread(r, "kade-train-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Member>> futures = new ArrayList<>(count);
            for (var task : tasks) {
                futures.add(pool.submit(task));
            }
            for (Future<Member> f : futures) {
                members.add(f.get());
            }
            return members;
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while training ensemble members", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Member call(java.util.concurrent.Callable<Member> task) {
        try {
            return task.call();
        } catch (Exception e) {
            throw rethrow(e);
        }
    }

    /** A member's failure as thrown by the member itself (divergence, bad config), not wrapped. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("training an ensemble member failed", t);
    }

    /**
     * A member's scale from its validation rows: AE members are weighted per feature by their inverse mean
     * validation error (see {@link MemberScale}); VAE members keep their negative ELBO.
     */
    static MemberScale memberScale(TrainedModel m, float[][] valRows) {
        if (m.network().kind() != ModelKind.AE) {
            return MemberScale.fit(m.validationScores(), LOG_SCALED_MEMBERS);
        }
        dev.kade.model.Scores s = m.score(valRows);
        double[] weights = MemberScale.inverseMeanErrors(s.featureErrors());
        MemberScale weighting = new MemberScale(false, 0, 1, 1, weights);
        double[] scores = new double[valRows.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = (float) weighting.memberScore(s.score()[i], s.featureErrors()[i]);
        }
        return MemberScale.fit(scores, LOG_SCALED_MEMBERS, weights);
    }

    /** Whether member scores are log-transformed before centring and scaling (see {@link MemberScale}). */
    static final boolean LOG_SCALED_MEMBERS = false;

    /**
     * Seed of ensemble member {@code k}: distinct per member, reproducible from the config's seed, and
     * different from the seed that drew the split. (The same formula drives {@code QualityBenchmark#pool},
     * so its screening members are exactly the members {@code kade train} makes.)
     */
    public static long memberSeed(long seed, int k) {
        return seed * 1_000_003L + k + 1;
    }

    private static double[] standardise(float[][] rows, int[] idx, Standardizer s) {
        int f = s.width();
        double[] x = new double[idx.length * f];
        for (int i = 0; i < idx.length; i++) {
            s.apply(rows[idx[i]], x, i * f);
        }
        return x;
    }

    private static final int SCORE_CHUNK = 1024;

    /** Scores of standardised rows, each rounded to float32 as the ONNX output is. */
    static double[] scores(Network net, double[] params, double[] x, int n) {
        int f = net.inputs();
        double[] out = new double[n];
        double[] chunkScores = new double[SCORE_CHUNK];
        double[] chunkErrors = new double[SCORE_CHUNK * f];
        for (int start = 0; start < n; start += SCORE_CHUNK) {
            int b = Math.min(SCORE_CHUNK, n - start);
            double[] chunk = Arrays.copyOfRange(x, start * f, (start + b) * f);
            net.score(params, chunk, b, chunkScores, chunkErrors);
            for (int i = 0; i < b; i++) {
                out[start + i] = (float) chunkScores[i];
            }
        }
        return out;
    }

    private static double meanScore(Network net, double[] params, double[] x, int n) {
        double sum = 0;
        for (double s : scores(net, params, x, n)) {
            sum += s;
        }
        return sum / n;
    }

    static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
