package dev.kade.stream;

import dev.kade.input.DecodeException;
import dev.kade.metrics.BatchTrigger;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ModelMetadata;
import dev.kade.output.Alert;
import dev.kade.output.CarriedContext;
import dev.kade.output.ContextCopier;
import dev.kade.output.ContextCut;
import dev.kade.output.DeadLetterReason;
import dev.kade.output.DeadLetters;
import dev.kade.output.OutputTooLargeException;
import dev.kade.output.OutputWriter;
import dev.kade.output.RenderedOutput;
import dev.kade.output.ScoreRecord;
import dev.kade.output.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extracts, scores and routes records in batches: an anomaly to the alert sink, every scored record to
 * the scores sink (when configured), anything unreadable, unscorable or unrenderable within the output
 * limit to the dead-letter sink. Every record read ends in exactly one of "scored" or "dead-lettered".
 *
 * <p>The per-record work lives in small classes it calls: {@code RecordReader} (features straight from
 * the bytes into the batch's row-major feature array), {@link ScoredBatch} (one model call over that
 * array, and one outcome per record: scored or dead-lettered), {@link OutputWriter} (alerts and scores
 * within {@code OutputLimits}) and {@link DeadLetters}.
 * The writer, the dead-letter builder and the batch arrays are this processor's own and reused from
 * batch to batch without locks (Kafka Streams runs one processor instance per task, on one thread).
 *
 * <h2>Batching without losing records</h2>
 * {@link #process} only buffers the record; the buffer is scored and forwarded when it is full, when its
 * oldest record has waited {@code batch.max.wait.ms}, and before every commit of the task, from the
 * {@link PreCommitFlushStore} hook ({@link #flushBeforeCommit}), so that no offset is committed while its
 * record is still buffered. Why that hook, what it relies on in Kafka Streams and the alternatives rejected:
 * {@code docs/design/commit-safe-batching.md} in the repository (the one explanation of the design).
 *
 * <p>The model: one {@link ModelRegistry.Lease} covers a whole batch, from feature extraction to the last
 * forward, so a batch is extracted, scored and named by one model even when a new one is swapped in
 * meanwhile; the next batch takes the new one.
 */
final class ScoringProcessor implements Processor<byte[], byte[], byte[], byte[]>, PreCommitFlushStore.Hook {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringProcessor.class);

    private final TopologyConfig config;
    private final ModelRegistry models;
    private final KadeMetrics metrics;
    private final OutputWriter writer;
    private final DeadLetters deadLetters;
    /** What alerts and scores carry from their input record (output.headers.copy, output.fields.copy). */
    private final ContextCopier carried;
    /** Decodes input values that are not JSON (input.format=avro) before they are buffered. */
    private final DecodeStep decode;
    /** The batch being scored: each buffered record's features and outcome; reused, grown, never shrunk. */
    private final ScoredBatch batch = new ScoredBatch();
    private ProcessorContext<byte[], byte[]> context;
    /** Kafka's own context when running in a real task (TopologyTestDriver included); null otherwise. */
    private InternalProcessorContext<byte[], byte[]> internal;
    private ProcessorNode<?, ?, ?, ?> node;
    private PendingBatch pending;
    private boolean batching;
    /** Whether the topology has the entity store (the model at start was windowed). */
    private final boolean windowedTopology;
    /** A windowed model's per-task state and open batch; null in a per-record topology. */
    private SeriesScoring series;
    /** Incident events instead of per-record alerts ({@code alerts.mode=incident}); null in record mode. */
    private IncidentRouting incidents;
    /** The mute rules of the settings and the control topic ({@code alerts.mute.*}). */
    private MuteRouting mutes;
    /** Whether the records now buffered were admitted as a windowed batch. */
    private boolean pendingWindowed;
    private int maxRecords;
    /** How long after a batch's first record its wait timer fires: {@code batch.max.wait.ms}, at least 1 ms. */
    private Duration maxWait;
    /**
     * The wall-clock punctuation that scores a batch whose first record has waited {@link #maxWait}: armed when a batch
     * starts and cancelled when it is scored, so that it exists only while a batch waits. A punctuator that fired every
     * few milliseconds whatever the buffer held made Kafka Streams halve the records it processes per loop (it does so
     * after every punctuation), and so ran its loop, with its commit and punctuation checks, several times as often as
     * an app without one. Null when no batch waits.
     */
    private Cancellable waitTimer;
    /**
     * The forwarding batch's dead letters per reason, counted with its records in only once the whole batch has been
     * forwarded: a batch that throws half way is read again, and would otherwise be counted twice.
     */
    private final int[] deadLettered = new int[DeadLetterReason.values().length];
    /** Scores each per-record batch again with the shadow model, for metrics only; null without one. */
    private final ShadowScoring shadow;
    /** How {@link #forwardAll} goes through a per-record batch and a windowed one. */
    private final Rows recordRows = new RecordRows();
    private final Rows windowRows = new WindowRows();

    ScoringProcessor(TopologyConfig config, ModelRegistry models, KadeMetrics metrics) {
        this(config, models, metrics, false);
    }

    ScoringProcessor(TopologyConfig config, ModelRegistry models, KadeMetrics metrics, boolean windowedTopology) {
        this(config, models, metrics, windowedTopology, null);
    }

    /** @param shadow the shadow model and its scores topic, or null for none (it scores per-record batches only) */
    ScoringProcessor(TopologyConfig config, ModelRegistry models, KadeMetrics metrics, boolean windowedTopology,
                     ShadowSetup shadow) {
        this.shadow = shadow == null ? null : new ShadowScoring(shadow, metrics, new OutputWriter(config.limits()));
        this.windowedTopology = windowedTopology;
        this.config = config;
        this.models = models;
        this.metrics = metrics;
        this.writer = new OutputWriter(config.limits());
        this.deadLetters = new DeadLetters(writer, config.clock());
        this.carried = new ContextCopier(config.context(), metrics::contextCut);
        this.decode = new DecodeStep(config.input());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        Batching b = config.batching();
        this.maxRecords = b.maxRecords();
        this.pending = new PendingBatch(maxRecords);
        if (context instanceof InternalProcessorContext<?, ?> ic) {
            internal = (InternalProcessorContext<byte[], byte[]>) ic;
            node = Objects.requireNonNull(internal.currentNode(), "Kafka Streams set no current node during init");
        }
        batching = internal != null && maxRecords > 1;
        if (batching) {
            PreCommitFlushStore store = context.getStateStore(ScoringTopology.BATCH_STORE);
            store.attach(this);
            maxWait = Duration.ofMillis(Math.max(1, b.maxWait().toMillis()));
        }
        mutes = new MuteRouting(config.incidents(), context, deadLetters, config.clock());
        if (config.incidents().incidents()) {
            incidents = new IncidentRouting(config, context.getStateStore(ScoringTopology.INCIDENT_STORE), metrics, context,
                    writer);
            if (config.incidents().wallClockResolution()) {
                // the batch first: its records may continue an incident the clock would otherwise resolve
                context.schedule(incidentClockEvery(), PunctuationType.WALL_CLOCK_TIME, now -> {
                    flush(BatchTrigger.WAIT);
                    incidents.wallClock(now);
                });
            }
        }
        if (windowedTopology) {
            KeyValueStore<Bytes, byte[]> kv = context.getStateStore(ScoringTopology.ENTITY_STORE);
            series = new SeriesScoring(config.series(), kv, metrics, context.taskId().toString(),
                    mutes.active() ? mutes::muted : SeriesScoring.Mutes.NONE);
            if (incidents != null) {
                series.rebases(incidents.rebases(context.getStateStore(ScoringTopology.INCIDENT_STORE)));
            }
            if (!config.series().policy().idleExpiry().isZero()) {
                // stream time, not the wall clock: when a sweep runs never changes a score (see ExpirySweeper)
                context.schedule(config.series().policy().sweepInterval(), PunctuationType.STREAM_TIME, t -> series.sweep());
            }
            context.schedule(SAMPLE_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> series.sample());
        }
    }

    /** How often the wall clock may resolve incidents: a quarter of the quiet time, between 1 s and 1 min. */
    private Duration incidentClockEvery() {
        long quarter = config.incidents().quietTime().toMillis() / 4;
        return Duration.ofMillis(Math.max(1000, Math.min(60_000, quarter)));
    }

    /** How often a task samples its entity store's size for the dashboard. */
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(15);

    @Override
    public void process(Record<byte[], byte[]> record) {
        ProcessorRecordContext streamsContext = internal == null ? null : internal.recordContext();
        byte[] original = null;
        if (decode.active()) {
            try {
                original = record.value();
                record = record.withValue(decode.decode(original));
            } catch (DecodeException e) {
                // dead-lettered now, with its original bytes: it never reaches a batch (counted here, by itself, once forwarded)
                Arrays.fill(deadLettered, 0);
                deadLetter(new PendingBatch.Entry(record, source(), streamsContext),
                        DecodeStep.reason(e.error()), e.getMessage(), null, models.metadata());
                metrics.recordsIn(source().topic(), 1);
                countDeadLetters();
                return;
            }
        }
        boolean windowed = series != null && (series.open() || models.metadata().window() > 1);
        if (windowed != pendingWindowed && !pending.isEmpty()) {
            // the serving model changed kind: the batch so far is scored as what it is before this record
            flush(BatchTrigger.SIZE);
        }
        if (windowed && !series.begin(models)) {
            windowed = false; // swapped to a per-record model in between
        }
        pendingWindowed = windowed;
        pending.add(new PendingBatch.Entry(record, source(), streamsContext, original));
        if (windowed) {
            // admitted now, not at flush: the next record of this entity in the batch sees the window as of this one
            series.admit(record);
        }
        if (!batching || pending.size() >= maxRecords) {
            flush(BatchTrigger.SIZE);
        } else if (waitTimer == null) {
            // the batch's first record: score the batch once it has waited maxWait (whole milliseconds of wall-clock time),
            // unless it fills or a commit comes first; every flush cancels the timer
            waitTimer = context.schedule(maxWait, PunctuationType.WALL_CLOCK_TIME, now -> flush(BatchTrigger.WAIT));
        }
    }

    private void disarmWaitTimer() {
        if (waitTimer != null) {
            waitTimer.cancel();
            waitTimer = null;
        }
    }

    /** Called by {@link PreCommitFlushStore#flushCache()} on every commit, before offsets are taken. */
    @Override
    public void flushBeforeCommit() {
        if (pending.isEmpty()) {
            return;
        }
        ProcessorNode<?, ?, ?, ?> previous = internal.currentNode();
        internal.setCurrentNode(node);
        try {
            flush(BatchTrigger.COMMIT);
        } finally {
            internal.setCurrentNode(previous);
        }
    }

    /** Forgets the buffer without forwarding: the task is closing or being recycled after its last commit. */
    @Override
    public void drop() {
        disarmWaitTimer();
        if (series != null) {
            series.discard();
        }
        int n = pending.drain().size();
        if (n > 0) {
            LOG.debug("dropped {} buffered records of a closing task; they were not committed and will be read again", n);
        }
    }

    @Override
    public void close() {
        drop();
        pending.close();
        if (series != null) {
            series.close();
        }
        if (incidents != null) {
            incidents.close();
        }
    }

    /** Scores and forwards everything buffered, under one model lease, restoring the record context after. */
    private void flush(BatchTrigger trigger) {
        disarmWaitTimer();
        List<PendingBatch.Entry> batch = pending.drain();
        if (batch.isEmpty()) {
            return;
        }
        ProcessorRecordContext previous = internal == null ? null : internal.recordContext();
        if (pendingWindowed) {
            try {
                scoreAndForwardWindows(batch, trigger);
            } catch (RuntimeException e) {
                // the batch's entity states were not written: drop them with it (its records are read again)
                series.discard();
                throw e;
            } finally {
                if (internal != null) {
                    internal.setRecordContext(previous);
                }
            }
            return;
        }
        try (ModelRegistry.Lease lease = models.acquire()) {
            scoreAndForward(batch, lease.model(), trigger);
        } finally {
            if (internal != null) {
                internal.setRecordContext(previous);
            }
        }
    }

    private void scoreAndForward(List<PendingBatch.Entry> entries, ServingModel model, BatchTrigger trigger) {
        Arrays.fill(deadLettered, 0);
        int latentWidth = config.includeLatent() && config.topics().scores().isPresent() ? model.scorer().latentWidth() : 0;
        batch.read(entries, model.reader(), latentWidth);
        long t0 = System.nanoTime();
        batch.score(model);
        long nanos = System.nanoTime() - t0;
        if (shadow != null) {
            shadow.score(batch, model.metadata());
        }
        ModelMetadata meta = model.metadata();
        float[] scored = new float[batch.readable()];
        int scoredCount = forwardAll(entries, recordRows, meta, scored, trigger, nanos);
        metrics.drift(meta, scored, scoredCount, batch.features(), batch.readable());
    }

    /**
     * A windowed batch: every record was read and admitted at {@link #process} time under the batch's model lease;
     * one {@code scoreWindows} call scores the rows, each scored row is judged against its entity's likelihood in
     * row order, the outputs are forwarded, and then the batch's entity states are written to the store, all
     * before the commit this flush precedes.
     */
    private void scoreAndForwardWindows(List<PendingBatch.Entry> entries, BatchTrigger trigger) {
        Arrays.fill(deadLettered, 0);
        ModelMetadata meta = series.model().metadata();
        long t0 = System.nanoTime();
        series.score();
        long nanos = System.nanoTime() - t0;
        if (shadow != null) {
            shadow.scoreWindows(series, meta);
        }
        forwardAll(entries, windowRows, meta, new float[entries.size()], trigger, nanos);
    }

    /**
     * The one forwarding loop of both kinds of batch, once they are scored: each record in arrival order, under its own
     * record context, is dead-lettered or has all its outputs rendered and then forwarded (a record whose outputs cannot
     * be rendered is dead-lettered alone), and goes on to the incident routing (in record mode a muted anomaly is
     * counted here); then the batch ends and its records are counted. What differs between the kinds, {@code rows}
     * does.
     *
     * @param scored filled with the scored records' scores ({@code +Infinity} as {@link Float#MAX_VALUE})
     * @return how many records were scored
     */
    private int forwardAll(List<PendingBatch.Entry> entries, Rows rows, ModelMetadata meta, float[] scored,
                           BatchTrigger trigger, long nanos) {
        int scoredCount = 0;
        int anomalies = 0;
        for (int i = 0; i < entries.size(); i++) {
            PendingBatch.Entry e = entries.get(i);
            enterContext(e);
            if (!rows.select(i, e, meta)) {
                continue;
            }
            // +Infinity from finite features is the most anomalous record there is: an alert, not a dead letter
            float score = rows.score();
            Outputs out;
            try {
                out = rows.render(e, meta);
            } catch (OutputTooLargeException | RuntimeException failure) {
                renderFailed(e, failure, meta);
                continue;
            }
            scored[scoredCount++] = Float.isFinite(score) ? score : Float.MAX_VALUE;
            if (out.anomaly()) {
                anomalies++;
            }
            forward(e.record(), out);
            rows.forwarded(e);
            if (incidents != null) {
                rows.route(e, meta, out);
            } else if (out.anomaly() && out.muted()) {
                metrics.incidentMuted();
            }
        }
        if (incidents != null) {
            incidents.endBatch();
        }
        rows.finish();
        countIn(entries);
        metrics.scoredBatch(trigger, scored, scoredCount, nanos, anomalies);
        return scoredCount;
    }

    /**
     * What {@link #forwardAll} does differently for one kind of batch, one record at a time: {@link #select} it (false:
     * it was dead-lettered), then its {@link #score}, {@link #render}, and after its outputs are forwarded
     * {@link #forwarded} and {@link #route}. One instance per kind and processor, holding the selected record's row.
     */
    private abstract static class Rows {
        /** Selects the batch's {@code i}th record {@code e}; dead-letters it and returns false when it has no score. */
        abstract boolean select(int i, PendingBatch.Entry e, ModelMetadata meta);

        /** The selected record's score. */
        abstract float score();

        /** All the selected record's outputs, rendered before any is forwarded. */
        abstract Outputs render(PendingBatch.Entry e, ModelMetadata meta) throws OutputTooLargeException;

        /** After the selected record's outputs are forwarded. */
        void forwarded(PendingBatch.Entry e) {
        }

        /** The selected record to the incident routing ({@code alerts.mode=incident}). */
        abstract void route(PendingBatch.Entry e, ModelMetadata meta, Outputs out);

        /** After the batch's last record and the incidents' end of batch. */
        void finish() {
        }
    }

    /** A per-record batch: rows of {@link ScoredBatch}, scored in one model call; the shadow's scores follow each. */
    private final class RecordRows extends Rows {
        private ScoredBatch.Row row;
        private float score;

        @Override
        boolean select(int i, PendingBatch.Entry e, ModelMetadata meta) {
            row = batch.row(i);
            if (!row.scored()) {
                ScoredBatch.DeadLetter d = row.deadLetter();
                deadLetter(e, d.reason(), d.detail(), d.feature(), meta);
                return false;
            }
            score = batch.score(row);
            return true;
        }

        @Override
        float score() {
            return score;
        }

        @Override
        Outputs render(PendingBatch.Entry e, ModelMetadata meta) throws OutputTooLargeException {
            return ScoringProcessor.this.render(row, score, meta);
        }

        @Override
        void forwarded(PendingBatch.Entry e) {
            if (shadow != null) {
                shadow.forward(batch, row, e.record(), e.source(), context); // model.shadow.scores.topic, if set
            }
        }

        @Override
        void route(PendingBatch.Entry e, ModelMetadata meta, Outputs out) {
            incidents.perRecord(e, meta, score, out.anomaly(), out.muted(), batch.featureErrors(),
                    batch.featureOffset(row), out.pending());
        }
    }

    /**
     * A windowed batch: each record admitted into {@link SeriesScoring} (or dead-lettered at admission), its row judged
     * against its entity's likelihood; the entity states are written once the batch is forwarded.
     */
    private final class WindowRows extends Rows {
        private SeriesScoring.Judged judged;

        @Override
        boolean select(int i, PendingBatch.Entry e, ModelMetadata meta) {
            SeriesScoring.Admission a = series.admission(i);
            if (a.deadLettered()) {
                deadLetter(e, a.reason(), a.detail(), a.feature(), meta);
                return false;
            }
            int r = a.row();
            if (series.failure(r) != null) {
                deadLetter(e, series.failureReason(r), series.failure(r), null, meta);
                return false;
            }
            judged = series.judge(r);
            return true;
        }

        @Override
        float score() {
            return judged.score();
        }

        @Override
        Outputs render(PendingBatch.Entry e, ModelMetadata meta) throws OutputTooLargeException {
            return renderWindowed(e, judged, meta);
        }

        @Override
        void route(PendingBatch.Entry e, ModelMetadata meta, Outputs out) {
            incidents.windowed(e, meta, judged, out.pending());
        }

        @Override
        void finish() {
            series.finish();
        }
    }

    /**
     * A record whose outputs could not be rendered goes to the dead-letter topic alone: {@code output_too_large}
     * when it does not fit {@code output.max.bytes}, else {@code processing_error}. A rendering bug must not fail
     * the batch (or the commit it may run in), as Kafka Streams' processing exception handler would not.
     */
    private void renderFailed(PendingBatch.Entry e, Exception failure, ModelMetadata meta) {
        if (failure instanceof OutputTooLargeException tooLarge) {
            deadLetter(e, DeadLetterReason.OUTPUT_TOO_LARGE, tooLarge.getMessage(), null, meta);
        } else {
            LOG.error("cannot render outputs for {}", e.source(), failure);
            deadLetter(e, DeadLetterReason.PROCESSING_ERROR, "cannot render outputs: " + failure, null, meta);
        }
    }

    private Outputs renderWindowed(PendingBatch.Entry e, SeriesScoring.Judged j, ModelMetadata meta)
            throws OutputTooLargeException {
        Record<byte[], byte[]> record = e.record();
        CarriedContext c = carried.copy(record.headers(), record.value());
        Alert a = j.alert() ? new Alert(record.key(), e.source(), Instant.ofEpochMilli(j.series().eventTime()),
                config.clock().instant(), meta, j.score(), j.record(), j.errors(), 0, config.topFeatures(), j.alertPart()) : null;
        // record mode: a muted anomaly pages nobody (no per-record alert); it is still scored, sent and counted
        RenderedOutput alert = a != null && incidents == null && !j.muted() ? writer.alert(a, c) : null;
        RenderedOutput scoreRecord = config.topics().scores().isPresent()
                ? writer.score(new ScoreRecord(j.score(), j.alert(), meta, e.source(), null, 0, 0, j.series(), j.muted()),
                        record.key(), c)
                : null;
        return new Outputs(scoreRecord, alert, j.alert(), incidents == null ? null : a, j.muted());
    }

    /**
     * Renders every output of a scored record before any is forwarded, so that a record is either wholly
     * scored or wholly dead-lettered.
     */
    private Outputs render(ScoredBatch.Row row, float score, ModelMetadata meta) throws OutputTooLargeException {
        PendingBatch.Entry e = row.entry();
        Record<byte[], byte[]> record = e.record();
        boolean anomaly = score >= meta.threshold();
        CarriedContext c = carried.copy(record.headers(), record.value());
        Alert a = anomaly ? new Alert(record.key(), e.source(), Instant.ofEpochMilli(record.timestamp()),
                config.clock().instant(), meta, score, batch.features(), batch.featureErrors(), batch.featureOffset(row),
                config.topFeatures()) : null;
        boolean muted = mutes.active() && mutes.muted(mutes.perRecordEntity(record.key(), e.source()), record.timestamp());
        // record mode: a muted anomaly pages nobody (no per-record alert); it is still scored, sent and counted
        RenderedOutput alert = a != null && incidents == null && !muted ? writer.alert(a, c) : null;
        RenderedOutput scoreRecord = config.topics().scores().isPresent()
                ? writer.score(new ScoreRecord(score, anomaly, meta, e.source(), batch.latent(), batch.latentOffset(row),
                        batch.latentWidth(), null, muted), record.key(), c) : null;
        return new Outputs(scoreRecord, alert, anomaly, incidents == null ? null : a, muted);
    }

    /**
     * A scored record's rendered outputs, each with its headers; either may be null (no scores topic, not an anomaly,
     * incident mode). In incident mode {@code pending} is an anomaly's alert, not yet rendered (an incident event it
     * causes embeds it). {@code muted}: inside a mute window of its entity.
     */
    private record Outputs(RenderedOutput score, RenderedOutput alert, boolean anomaly, Alert pending, boolean muted) {
    }

    private void forward(Record<byte[], byte[]> record, Outputs out) {
        if (out.score() != null) {
            forward(record, out.score(), ScoringTopology.SCORES_SINK);
        }
        if (out.alert() != null) {
            forward(record, out.alert(), ScoringTopology.ALERTS_SINK);
        }
    }

    private void forward(Record<byte[], byte[]> record, RenderedOutput out, String sink) {
        if (out.contextDropped()) {
            metrics.contextCut(ContextCut.CONTEXT_DROPPED);
        }
        // one new Record (its constructor copies the headers once): withValue(..).withHeaders(..) built two, each
        // copying headers
        context.forward(new Record<>(record.key(), out.value(), record.timestamp(), out.headers()), sink);
    }

    private void deadLetter(PendingBatch.Entry e, DeadLetterReason reason, String detail, String feature, ModelMetadata model) {
        Record<byte[], byte[]> record = e.record();
        DeadLetters.DeadLetter d = deadLetters.build(record.key(), e.originalValue(), record.headers(), reason, detail, feature,
                e.source(), model.version());
        deadLettered[reason.ordinal()]++;
        context.forward(record.withKey(d.key()).withValue(d.value()).withHeaders(d.headers()), ScoringTopology.DEAD_LETTER_SINK);
    }

    /** Forwards of this record then carry its own source topic, partition and offset (for sinks and error handlers). */
    private void enterContext(PendingBatch.Entry e) {
        if (internal != null && e.streamsContext() != null) {
            internal.setRecordContext(e.streamsContext());
        }
    }

    /**
     * Counts the batch's records per input topic (one meter update per topic, not per record) and its dead letters,
     * once it has been forwarded entirely.
     */
    private void countIn(List<PendingBatch.Entry> batch) {
        countDeadLetters();
        String topic = batch.get(0).source().topic();
        int run = 0;
        for (PendingBatch.Entry e : batch) {
            if (!e.source().topic().equals(topic)) {
                metrics.recordsIn(topic, run);
                topic = e.source().topic();
                run = 0;
            }
            run++;
        }
        metrics.recordsIn(topic, run);
    }

    /** Reports the dead letters tallied since the last report (of a batch forwarded entirely), and clears the tally. */
    private void countDeadLetters() {
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            for (int n = deadLettered[reason.ordinal()]; n > 0; n--) {
                metrics.deadLetter(reason);
            }
        }
        Arrays.fill(deadLettered, 0);
    }

    private Source source() {
        RecordMetadata m = context.recordMetadata().orElse(null);
        return m == null ? Source.UNKNOWN : new Source(m.topic(), m.partition(), m.offset());
    }
}
