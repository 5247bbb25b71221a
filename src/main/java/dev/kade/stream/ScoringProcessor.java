package dev.kade.stream;

import dev.kade.metrics.BatchTrigger;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ModelMetadata;
import dev.kade.output.Alert;
import dev.kade.output.DeadLetterReason;
import dev.kade.output.DeadLetters;
import dev.kade.output.OutputTooLargeException;
import dev.kade.output.OutputWriter;
import dev.kade.output.ScoreRecord;
import dev.kade.output.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
    /** The batch being scored: each buffered record's features and outcome; reused, grown, never shrunk. */
    private final ScoredBatch batch = new ScoredBatch();
    private ProcessorContext<byte[], byte[]> context;
    /** Kafka's own context when running in a real task (TopologyTestDriver included); null otherwise. */
    private InternalProcessorContext<byte[], byte[]> internal;
    private ProcessorNode<?, ?, ?, ?> node;
    private PendingBatch pending;
    private boolean batching;
    private int maxRecords;
    private long maxWaitNanos;

    ScoringProcessor(TopologyConfig config, ModelRegistry models, KadeMetrics metrics) {
        this.config = config;
        this.models = models;
        this.metrics = metrics;
        this.writer = new OutputWriter(config.limits());
        this.deadLetters = new DeadLetters(writer, config.clock());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        Batching b = config.batching();
        this.maxRecords = b.maxRecords();
        this.maxWaitNanos = b.maxWait().toNanos();
        this.pending = new PendingBatch(maxRecords);
        if (context instanceof InternalProcessorContext<?, ?> ic) {
            internal = (InternalProcessorContext<byte[], byte[]>) ic;
            node = Objects.requireNonNull(internal.currentNode(), "Kafka Streams set no current node during init");
        }
        batching = internal != null && maxRecords > 1;
        if (batching) {
            PreCommitFlushStore store = context.getStateStore(ScoringTopology.BATCH_STORE);
            store.attach(this);
            Duration every = Duration.ofMillis(Math.max(1, b.maxWait().toMillis() / 2));
            context.schedule(every, PunctuationType.WALL_CLOCK_TIME, now -> flushIfWaitedTooLong());
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        ProcessorRecordContext streamsContext = internal == null ? null : internal.recordContext();
        pending.add(new PendingBatch.Entry(record, source(), streamsContext, System.nanoTime()));
        if (!batching || pending.size() >= maxRecords) {
            flush(BatchTrigger.SIZE);
        }
    }

    private void flushIfWaitedTooLong() {
        if (pending.oldestWaitNanos(System.nanoTime()) >= maxWaitNanos) {
            flush(BatchTrigger.WAIT);
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
        int n = pending.drain().size();
        if (n > 0) {
            LOG.debug("dropped {} buffered records of a closing task; they were not committed and will be read again", n);
        }
    }

    @Override
    public void close() {
        drop();
        pending.close();
    }

    /** Scores and forwards everything buffered, under one model lease, restoring the record context after. */
    private void flush(BatchTrigger trigger) {
        List<PendingBatch.Entry> batch = pending.drain();
        if (batch.isEmpty()) {
            return;
        }
        ProcessorRecordContext previous = internal == null ? null : internal.recordContext();
        try (ModelRegistry.Lease lease = models.acquire()) {
            scoreAndForward(batch, lease.model(), trigger);
        } finally {
            if (internal != null) {
                internal.setRecordContext(previous);
            }
        }
    }

    private void scoreAndForward(List<PendingBatch.Entry> entries, ServingModel model, BatchTrigger trigger) {
        countIn(entries);
        int latentWidth = config.includeLatent() && config.topics().scores().isPresent() ? model.scorer().latentWidth() : 0;
        batch.read(entries, model.reader(), latentWidth);
        long t0 = System.nanoTime();
        batch.score(model);
        long nanos = System.nanoTime() - t0;
        ModelMetadata meta = model.metadata();
        float[] scored = new float[batch.readable()];
        int scoredCount = 0;
        int anomalies = 0;
        for (int i = 0; i < batch.size(); i++) {
            ScoredBatch.Row row = batch.row(i);
            PendingBatch.Entry e = row.entry();
            enterContext(e);
            if (!row.scored()) {
                ScoredBatch.DeadLetter d = row.deadLetter();
                deadLetter(e, d.reason(), d.detail(), d.feature(), meta);
                continue;
            }
            // +Infinity from finite features is the most anomalous record there is: an alert, not a dead letter
            float score = batch.score(row);
            Outputs out;
            try {
                out = render(row, score, meta);
            } catch (OutputTooLargeException tooLarge) {
                deadLetter(e, DeadLetterReason.OUTPUT_TOO_LARGE, tooLarge.getMessage(), null, meta);
                continue;
            } catch (RuntimeException bug) {
                // a rendering bug must not fail the batch (or the commit it may run in): this record alone
                // goes to the dead-letter topic, as Kafka Streams' processing exception handler would send it
                LOG.error("cannot render outputs for {}", e.source(), bug);
                deadLetter(e, DeadLetterReason.PROCESSING_ERROR, "cannot render outputs: " + bug, null, meta);
                continue;
            }
            scored[scoredCount++] = Float.isFinite(score) ? score : Float.MAX_VALUE;
            if (out.alert() != null) {
                anomalies++;
            }
            forward(e.record(), out);
        }
        metrics.scoredBatch(trigger, scored, scoredCount, nanos, anomalies);
    }

    /**
     * Renders every output of a scored record before any is forwarded, so that a record is either wholly
     * scored or wholly dead-lettered.
     */
    private Outputs render(ScoredBatch.Row row, float score, ModelMetadata meta) throws OutputTooLargeException {
        PendingBatch.Entry e = row.entry();
        Record<byte[], byte[]> record = e.record();
        boolean anomaly = score >= meta.threshold();
        byte[] alert = anomaly ? writer.alert(new Alert(record.key(), e.source(), Instant.ofEpochMilli(record.timestamp()),
                config.clock().instant(), meta, score, batch.features(), batch.featureErrors(), batch.featureOffset(row),
                config.topFeatures())) : null;
        byte[] scoreRecord = config.topics().scores().isPresent()
                ? writer.score(new ScoreRecord(score, anomaly, meta, e.source(), batch.latent(), batch.latentOffset(row),
                        batch.latentWidth()), record.key()) : null;
        return new Outputs(scoreRecord, alert);
    }

    /** A scored record's rendered outputs; either may be null (no scores topic, not an anomaly). */
    private record Outputs(byte[] score, byte[] alert) {
    }

    private void forward(Record<byte[], byte[]> record, Outputs out) {
        if (out.score() != null) {
            context.forward(record.withValue(out.score()).withHeaders(new RecordHeaders()), ScoringTopology.SCORES_SINK);
        }
        if (out.alert() != null) {
            context.forward(record.withValue(out.alert()).withHeaders(new RecordHeaders()), ScoringTopology.ALERTS_SINK);
        }
    }

    private void deadLetter(PendingBatch.Entry e, DeadLetterReason reason, String detail, String feature, ModelMetadata model) {
        Record<byte[], byte[]> record = e.record();
        DeadLetters.DeadLetter d = deadLetters.build(record.key(), record.value(), record.headers(), reason, detail, feature,
                e.source(), model.version());
        metrics.deadLetter(reason);
        context.forward(record.withKey(d.key()).withValue(d.value()).withHeaders(d.headers()), ScoringTopology.DEAD_LETTER_SINK);
    }

    /** Forwards of this record then carry its own source topic, partition and offset (for sinks and error handlers). */
    private void enterContext(PendingBatch.Entry e) {
        if (internal != null && e.streamsContext() != null) {
            internal.setRecordContext(e.streamsContext());
        }
    }

    /** Counts the batch's records per input topic (one meter update per topic, not per record). */
    private void countIn(List<PendingBatch.Entry> batch) {
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

    private Source source() {
        RecordMetadata m = context.recordMetadata().orElse(null);
        return m == null ? Source.UNKNOWN : new Source(m.topic(), m.partition(), m.offset());
    }
}
