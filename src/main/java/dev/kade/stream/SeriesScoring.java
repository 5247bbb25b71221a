package dev.kade.stream;

import dev.kade.entity.AnomalyLikelihood;
import dev.kade.entity.EntityKey;
import dev.kade.entity.EntityStore;
import dev.kade.entity.EventTimeException;
import dev.kade.entity.ExpirySweeper;
import dev.kade.entity.RocksDbSize;
import dev.kade.entity.SeriesCounts;
import dev.kade.entity.SeriesSettings;
import dev.kade.entity.SeriesView;
import dev.kade.entity.WindowScores;
import dev.kade.features.FeatureException;
import dev.kade.features.RecordReader;
import dev.kade.metrics.KadeMetrics;
import dev.kade.output.DeadLetterReason;
import dev.kade.output.SeriesAlert;
import dev.kade.output.SeriesScore;
import dev.kade.series.SeriesSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One task's windowed-model scoring, beside {@link ScoringProcessor}'s per-record path: the task's entity store,
 * the open batch's {@link SeriesView}, and the model lease that batch was admitted under.
 *
 * <p>Unlike a per-record batch, whose records are read when it is scored, a windowed record is read and
 * <em>admitted</em> when the processor receives it ({@link #admit}): its entity's state advances then, so that the
 * next record of the same entity in the same batch sees the window as of itself. The model that read it must
 * also score it, so the batch holds one {@link ModelRegistry.Lease} from its first record to its flush.
 * {@link #finish} then writes the batch's entity states to the store; the processor calls it from the same flush
 * that forwards the outputs, which precedes every commit, so state and outputs commit together.
 *
 * <p>Owned by one processor, used on its stream thread only.
 */
final class SeriesScoring {
    /** What admission decided for one buffered record: a row of the view, or a dead letter. */
    record Admission(int row, DeadLetterReason reason, String detail, String feature) {
        static Admission row(int row) {
            return new Admission(row, null, null, null);
        }

        static Admission deadLetter(DeadLetterReason reason, String detail, String feature) {
            return new Admission(-1, reason, detail, feature);
        }

        boolean deadLettered() {
            return reason != null;
        }
    }

    /**
     * A scored row's judgement and rendered series parts; {@code muted}: admitted inside a mute window of its entity
     * (its baseline did not learn from it).
     */
    record Judged(float score, boolean alert, SeriesScore series, SeriesAlert alertPart, float[] record, float[] errors,
                  boolean muted) {
    }

    /**
     * Feedback {@code new_normal} labels to apply to windowed entities' baselines: asked at admission, remembered with the
     * batch ({@link FeedbackRebases}).
     */
    interface Rebases {
        Rebases NONE = new Rebases() {
            @Override
            public boolean due(String entity) {
                return false;
            }

            @Override
            public void applied(String entity) {
            }

            @Override
            public void flush() {
            }

            @Override
            public void discard() {
            }
        };

        /** Whether {@code entity} has a new_normal label not applied yet. */
        boolean due(String entity);

        /** Its labels are applied (in the open batch). */
        void applied(String entity);

        /** The batch is written: remember what it applied. */
        void flush();

        /** The batch is forgotten: so is what it applied. */
        void discard();
    }

    /** Whether a record of an entity at an event time lies inside a mute window (asked at admission). */
    interface Mutes {
        Mutes NONE = (entity, at) -> false;

        boolean muted(String entity, long at);
    }

    private final SeriesSettings settings;
    private final KeyValueStore<Bytes, byte[]> kv;
    private final EntityStore store;
    private final ExpirySweeper sweeper;
    private final KadeMetrics metrics;
    private final String task;
    private final List<Admission> admissions = new ArrayList<>();
    private ModelRegistry.Lease lease;
    private SeriesView view;
    private SeriesSpec viewSpec;
    private RecordReader reader;
    private ServingModel readerOf;
    private float[] row = new float[0];
    private String[] sides;
    private WindowScores scores;
    private final int[] offFeature = new int[1];
    /** Sweeps that came due while a batch was open, run when a batch is next written ({@link #sweep}). */
    private int deferredSweeps;

    private final Mutes mutes;
    private Rebases rebases = Rebases.NONE;

    SeriesScoring(SeriesSettings settings, KeyValueStore<Bytes, byte[]> kv, KadeMetrics metrics, String task) {
        this(settings, kv, metrics, task, Mutes.NONE);
    }

    /** @param mutes the task's mute rules: a muted record teaches its entity's baseline nothing ({@link SeriesView#admit}) */
    SeriesScoring(SeriesSettings settings, KeyValueStore<Bytes, byte[]> kv, KadeMetrics metrics, String task, Mutes mutes) {
        this.mutes = mutes;
        this.settings = settings;
        this.kv = kv;
        this.store = new EntityStore(kv);
        this.sweeper = new ExpirySweeper(settings.policy().idleExpiry(), settings.policy().sweepMaxEntities());
        this.metrics = metrics;
        this.task = task;
        this.sides = new String[settings.entity().sideFields().size()];
    }

    /** Lets feedback {@code new_normal} labels rebase entities' baselines (incident mode with a feedback topic). */
    void rebases(Rebases r) {
        this.rebases = r;
    }

    /** Whether the open batch is a windowed one (it holds a lease). */
    boolean open() {
        return lease != null;
    }

    /**
     * Starts a windowed batch under the model serving now, when that model is windowed.
     *
     * @return false (and nothing held) when the serving model is a per-record one
     */
    boolean begin(ModelRegistry models) {
        if (lease != null) {
            return true;
        }
        ModelRegistry.Lease l = models.acquire();
        ServingModel m = l.model();
        Optional<SeriesSpec> spec = m.metadata().series();
        if (spec.isEmpty()) {
            l.close();
            return false;
        }
        lease = l;
        if (view == null || !spec.get().equals(viewSpec)) {
            view = new SeriesView(spec.get(), settings.policy(), store);
            viewSpec = spec.get();
        }
        if (readerOf != m) {
            // a seasonal model's residual features are made by the entity's profile, not read from the record
            reader = new RecordReader(spec.get().rawFeatureNames(m.metadata().features()), settings.entity().sideFields());
            readerOf = m;
        }
        if (row.length < reader.width()) {
            row = new float[reader.width()];
        }
        return true;
    }

    /** The model the open batch was admitted under. */
    ServingModel model() {
        return lease.model();
    }

    /** Reads and admits one record into the open batch (after {@link #begin}). */
    void admit(Record<byte[], byte[]> record) {
        Admission a;
        try {
            reader.read(record.value(), row, 0, sides);
            Optional<EntityKey> entity = settings.entity().entity(record.key(), sides);
            if (entity.isEmpty()) {
                a = Admission.deadLetter(DeadLetterReason.NO_ENTITY, settings.entity().noEntityDetail(record.key(), sides), null);
            } else {
                long time = settings.entity().eventTime(record.timestamp(), sides);
                if (rebases != Rebases.NONE && rebases.due(entity.get().display())) {
                    // new normal: what was an incident is what the entity's baseline learns from now on
                    view.rebase(entity.get());
                    rebases.applied(entity.get().display());
                }
                boolean muted = mutes != Mutes.NONE && mutes.muted(entity.get().display(), time);
                int r = view.admit(entity.get(), time, row, 0, muted);
                a = r == SeriesView.LATE_DEAD_LETTER
                        ? Admission.deadLetter(DeadLetterReason.LATE_RECORD, "older than its entity's newest record ("
                                + entity.get().display() + ")", null)
                        : Admission.row(r);
            }
        } catch (FeatureException fe) {
            a = Admission.deadLetter(DeadLetterReason.of(fe.error()), fe.getMessage(), fe.feature().orElse(null));
        } catch (EventTimeException te) {
            a = Admission.deadLetter(DeadLetterReason.BAD_TIME, te.getMessage(), settings.entity().timeField().orElse(null));
        }
        admissions.add(a);
    }

    /** Record {@code i}'s admission, in buffer order. */
    Admission admission(int i) {
        return admissions.get(i);
    }

    /** Scores every admitted row with the batch's model in one call (or row by row when it fails). */
    void score() {
        scores = WindowScores.of(lease.model().scorer(), view, true);
    }

    /** Rows of the open batch's view (admitted records), after {@link #score}. */
    int rows() {
        return view == null ? 0 : view.rows();
    }

    /**
     * Scores the open batch's windows, the very rows {@link #score} scored, with {@code other} (a shadow model), and
     * writes both models' scores by row to {@code mine} and {@code theirs} (NaN where either failed); the view is
     * only read.
     */
    void scoreWith(ServingModel other, float[] mine, float[] theirs) {
        WindowScores ws = WindowScores.of(other.scorer(), view, false);
        for (int r = 0; r < view.rows(); r++) {
            mine[r] = scores.failure(r) == null ? scores.score(r) : Float.NaN;
            theirs[r] = ws.failure(r) == null ? ws.score(r) : Float.NaN;
        }
    }

    /** Why row {@code r} has no score, or null. */
    String failure(int r) {
        return scores.failure(r);
    }

    DeadLetterReason failureReason(int r) {
        return scores.reason(r);
    }

    /**
     * Judges scored row {@code r} against its entity's likelihood and builds its series parts. Call in row order,
     * once per scored row.
     */
    Judged judge(int r) {
        float score = scores.score(r);
        int f0 = view.spec().features();
        AnomalyLikelihood.Judgement j = view.judge(r, scores.featureErrors(), r * f0);
        boolean alert = view.alerts(r, j);
        SeriesScore s = new SeriesScore(view.entity(r).display(), view.eventTime(r), view.warmingUp(r), view.imputed(r),
                view.late(r), view.gap(r), j.likelihood(), j.score());
        if (!alert) {
            return new Judged(score, false, s, null, null, null, view.muted(r));
        }
        SeriesSpec spec = view.spec();
        int w = spec.window();
        int f = spec.features();
        int offStep = scores.furthestOff(r, view, offFeature);
        int base = r * w * f;
        SeriesAlert part = new SeriesAlert(s, view.windows(), scores.reconstruction(), base, w,
                Math.min(w, settings.alertSteps()), offStep, offFeature[0]);
        float[] record = Arrays.copyOfRange(view.windows(), base + (w - 1) * f, base + w * f);
        float[] errors = Arrays.copyOfRange(scores.featureErrors(), r * f, (r + 1) * f);
        return new Judged(score, true, s, part, record, errors, view.muted(r));
    }

    /**
     * Ends the batch after its outputs were forwarded: writes its entity states (and the task's event-time clock)
     * to the store, reports its counts, and lets go of the model.
     */
    void finish() {
        view.commit();
        rebases.flush();
        end(true);
        // the sweeps that came due while this batch was open, now against the clock it has just written
        for (; deferredSweeps > 0; deferredSweeps--) {
            sweepNow();
        }
    }

    /**
     * Forgets the batch without writing (its records were not committed and will be read again). Its counts are
     * dropped with it: reported now, they would be reported again when its records are read again.
     */
    void discard() {
        if (view != null) {
            view.discard();
        }
        rebases.discard();
        end(false);
    }

    /** Ends the batch; {@code report}: whether its counts go to the meters (only a finished batch's do). */
    private void end(boolean report) {
        admissions.clear();
        scores = null;
        if (view != null) {
            SeriesCounts counts = view.takeCounts();
            if (report) {
                metrics.series(counts);
            }
        }
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }

    /**
     * One bounded idle-expiry sweep (a stream-time punctuation). Inside an open batch it is deferred to that batch's
     * {@link #finish}: a sweep then could only judge idleness by the clock of the last commit (the open batch may yet
     * be discarded and read again, see {@link SeriesView#sweep}), so an entity that the batch's own records make idle
     * would be passed over, and the punctuation that would have deleted it may not come again until more records
     * advance stream time. Made up at the commit, the same sweeps run, each still bounded, against the clock the batch
     * wrote; a discarded batch's deferred sweeps wait for the next batch that is written.
     */
    void sweep() {
        if (open()) {
            deferredSweeps++;
            return;
        }
        sweepNow();
    }

    /** Runs one bounded sweep now (no batch open) and reports its deletions, which are written to the store at once. */
    private void sweepNow() {
        int n = view != null ? view.sweep() : sweeper.sweep(store, k -> false);
        if (n > 0) {
            metrics.series(new SeriesCounts(0, 0, 0, 0, 0, n));
        }
    }

    /** Samples the store's size for the dashboard (entities, live bytes). */
    void sample() {
        metrics.seriesStore(task, store.approximateEntities(), RocksDbSize.liveBytes(kv).orElse(-1));
    }

    void close() {
        discard();
        metrics.seriesStoreClosed(task);
    }
}
