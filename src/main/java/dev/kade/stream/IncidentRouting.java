package dev.kade.stream;

import dev.kade.incident.IncidentEntity;
import dev.kade.incident.IncidentEvent;
import dev.kade.incident.IncidentSettings;
import dev.kade.incident.IncidentState;
import dev.kade.incident.IncidentTracker;
import dev.kade.incident.IncidentWriter;
import dev.kade.incident.TopFeatures;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ModelMetadata;
import dev.kade.output.Alert;
import dev.kade.output.OutputLimits;
import dev.kade.output.OutputTooLargeException;
import dev.kade.output.OutputWriter;
import dev.kade.output.Source;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The processor's side of {@code alerts.mode=incident}: hands each scored record to the task's
 * {@link IncidentTracker} and forwards the incident events it causes to the alert sink, keyed by incident id. The
 * processor calls it from the batch flush, which runs before every commit, and {@link #endBatch} writes the batch's
 * incident changes to {@link ScoringTopology#INCIDENT_STORE} in that same flush, so events, store and offsets
 * commit together.
 *
 * <p>Owned by one processor, used on its stream thread only.
 */
final class IncidentRouting {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IncidentRouting.class);

    private final IncidentSettings settings;
    private final IncidentTracker tracker;
    private final IncidentWriter writer;
    private final KadeMetrics metrics;
    private final ProcessorContext<byte[], byte[]> context;
    private final Clock clock;
    private final int topFeatures;
    private final String task;
    private final List<IncidentEvent> events = new ArrayList<>();
    /** Renders the embedded per-record alerts (the processor's own writer: same thread, reused buffer). */
    private final OutputWriter alerts;
    private final OutputLimits limits;
    /** The feedback loop ({@code alerts.feedback.topic}); null without it. */
    private final FeedbackRouting feedback;
    /** The alert budget ({@code alerts.budget.*}); null without one. */
    private final dev.kade.incident.AlertBudget budget;
    /** When the budget's gauge was last published (wall clock, ms). */
    private long budgetPublishedAt = Long.MIN_VALUE / 2;
    /** Whether the current batch has begun (the labels are read again, when due, before its first record). */
    private boolean inBatch;

    IncidentRouting(TopologyConfig config, KeyValueStore<String, byte[]> kv, KadeMetrics metrics,
                    ProcessorContext<byte[], byte[]> context, OutputWriter alerts) {
        this.alerts = alerts;
        this.limits = config.limits();
        this.settings = config.incidents();
        this.tracker = new IncidentTracker(settings, new KafkaStore(kv));
        this.writer = new IncidentWriter(settings.format(), settings.linkTemplate());
        this.metrics = metrics;
        this.context = context;
        this.clock = config.clock();
        this.topFeatures = Math.max(1, config.topFeatures());
        this.task = context.taskId().toString();
        this.feedback = settings.feedback().enabled()
                ? new FeedbackRouting(settings.feedback(), context.getStateStore(ScoringTopology.FEEDBACK_STORE), kv, context,
                        new dev.kade.output.DeadLetters(alerts, config.clock()), metrics, config.clock())
                : null;
        this.budget = settings.budget().enabled()
                ? new dev.kade.incident.AlertBudget(settings.budget(), settings.quietTime().toMillis(), new KafkaStore(kv)) : null;
        metrics.incidentsOpen(task, tracker.openCount());
    }

    /**
     * A per-record model's scored record: its entity is its partition or its key ({@code alerts.incident.entity}).
     *
     * @param muted whether the record lies inside a mute window of its entity ({@link MuteRouting})
     * @param alert the record's per-record alert (views on the batch's arrays) when it is an anomaly, else null; an
     *              opened or updated event it causes embeds it
     */
    void perRecord(PendingBatch.Entry e, ModelMetadata meta, float score, boolean anomaly, boolean muted, float[] errors,
                   int offset, Alert alert) {
        beginRecord();
        Record<byte[], byte[]> r = e.record();
        String entity = settings.perRecordEntity() == IncidentEntity.KEY && r.key() != null
                ? new String(r.key(), StandardCharsets.UTF_8) : partitionEntity(e.source());
        if (budget != null) {
            budget.seen(meta.version(), r.timestamp());
        }
        // a muted anomaly is neither an anomaly of an incident nor a normal record, whatever the entity's bar
        anomaly = anomaly && (muted || (withinBudget(entity, meta, score, r.timestamp()) && opensOrJoins(entity, meta, score, r.timestamp())));
        List<String> top = anomaly ? TopFeatures.of(meta.features(), errors, offset, topFeatures) : null;
        if (tracker.observe(entity, meta.version(), meta.kind().label(), e.source(), r.timestamp(), anomaly, anomaly && muted,
                score, top, events)) {
            metrics.incidentMuted();
        }
        emit(r, alert);
    }

    /** A windowed model's judged record: its entity is the series entity; {@code alert} as for {@link #perRecord}. */
    void windowed(PendingBatch.Entry e, ModelMetadata meta, SeriesScoring.Judged j, Alert alert) {
        beginRecord();
        boolean anomaly = j.alert() && (j.muted() || opensOrJoins(j.series().entity(), meta, j.score(), j.series().eventTime()));
        List<String> top = anomaly ? TopFeatures.of(meta.features(), j.errors(), 0, topFeatures) : null;
        if (tracker.observe(j.series().entity(), meta.version(), meta.kind().label(), e.source(), j.series().eventTime(),
                anomaly, anomaly && j.muted(), j.score(), top, events)) {
            metrics.incidentMuted();
        }
        emit(e.record(), alert);
    }

    /**
     * The wall clock reached {@code now} ({@code alerts.incident.resolve.wall.clock}): resolves what that ends, forwards
     * the events and writes the store (a punctuation; the processor emptied its batch first).
     */
    void wallClock(long now) {
        tracker.advance(now, events);
        emit(new Record<>(null, null, now), null);
        endBatch();
    }

    /** Before a batch's first record, reads the feedback labels again when due (and dead-letters bad ones). */
    private void beginRecord() {
        if (!inBatch && feedback != null) {
            inBatch = true;
            feedback.refresh();
        }
    }

    /**
     * Whether an anomaly of {@code entity} counts for its incidents: always when it has no feedback or an incident is
     * open (the bar gates opening only, so an open incident is followed to its end); else only when its score reaches
     * the model's threshold times the entity's bar ({@link dev.kade.incident.FeedbackBook#bar}). An anomaly below it
     * is still scored and counted as an anomaly; for the incidents it is a normal record.
     */
    private boolean opensOrJoins(String entity, ModelMetadata meta, float score, long at) {
        if (feedback == null) {
            return true;
        }
        double bar = feedback.book().bar(entity);
        if (bar <= 1.0 || score >= meta.threshold() * bar) {
            return true;
        }
        // joins an incident still open (one quiet for longer would be resolved and a new one opened: that is gated)
        IncidentState open = tracker.openIncident(entity, meta.version());
        return open != null && at - open.lastAt() < settings.quietTime().toMillis();
    }

    /**
     * The rebases feedback {@code new_normal} labels ask of windowed entities, or {@link SeriesScoring.Rebases#NONE}
     * without a feedback topic. The labels are those last read (before a batch, every {@code alerts.feedback.refresh.ms}).
     */
    SeriesScoring.Rebases rebases(KeyValueStore<String, byte[]> kv) {
        if (feedback == null) {
            return SeriesScoring.Rebases.NONE;
        }
        return new FeedbackRebases(kv, () -> {
            beginRecord();
            return feedback.book();
        });
    }

    /**
     * Whether an anomaly counts for the incidents under the alert budget ({@link dev.kade.incident.AlertBudget}): always
     * without one. Every record moves the budget's clock; an anomaly is recorded on the entity's ladder.
     */
    private boolean withinBudget(String entity, ModelMetadata meta, float score, long at) {
        if (budget == null) {
            return true;
        }
        if (!(score >= meta.threshold())) {
            return false;
        }
        IncidentState open = tracker.openIncident(entity, meta.version());
        return budget.admits(entity, meta.version(), meta.threshold(), score, at,
                open != null && at - open.lastAt() < settings.quietTime().toMillis());
    }

    /** Writes the batch's incident changes to the store (inside the flush that precedes the commit). */
    void endBatch() {
        inBatch = false;
        if (budget != null) {
            // the gauge's medians sort every entity's threshold: at most every 10 s (wall clock), not per batch
            if (budget.flush() && clock.millis() - budgetPublishedAt >= 10_000) {
                java.util.Map<String, Double> medians = budget.medianThresholds();
                if (!medians.isEmpty()) {
                    budgetPublishedAt = clock.millis();
                    medians.forEach((model, t) -> metrics.budgetThreshold(task, model, t));
                }
            }
        }
        tracker.flush();
        metrics.incidentsOpen(task, tracker.openCount());
    }

    void close() {
        metrics.incidentsClosed(task);
        if (budget != null) {
            metrics.budgetClosed(task);
        }
    }

    private void emit(Record<byte[], byte[]> record, Alert alert) {
        if (events.isEmpty()) {
            return;
        }
        for (IncidentEvent ev : events) {
            byte[] value = render(ev, ev.kind() == IncidentEvent.Kind.RESOLVED ? null : alert);
            context.forward(record.withKey(IncidentWriter.key(ev)).withValue(value).withHeaders(new RecordHeaders()),
                    ScoringTopology.ALERTS_SINK);
            metrics.incidentEvent(ev.kind());
            if (budget != null && ev.kind() == IncidentEvent.Kind.OPENED) {
                budget.opened(ev.incident().entity(), ev.incident().modelVersion());
            }
        }
        events.clear();
    }

    /**
     * The event with the causing record's alert embedded when both fit {@code output.max.bytes}; without it otherwise
     * (the event alone always fits: see {@link IncidentWriter}).
     */
    private byte[] render(IncidentEvent ev, Alert alert) {
        Instant now = clock.instant();
        if (alert != null) {
            try {
                byte[] withAlert = writer.render(ev, now, alerts.alert(alert));
                if (limits.fits(IncidentWriter.key(ev), withAlert.length, 0)) {
                    return withAlert;
                }
            } catch (OutputTooLargeException | RuntimeException e) {
                LOG.debug("incident {} sent without its record's alert: {}", ev.incident().id(), e.toString());
            }
        }
        return writer.render(ev, now);
    }

    /** A per-record model's incident entity by partition: {@code topic/partition}. */
    static String partitionEntity(Source s) {
        return s.topic() + "/" + s.partition();
    }

    /** The incident store through the tracker's small interface. */
    private record KafkaStore(KeyValueStore<String, byte[]> kv) implements IncidentTracker.Store {
        @Override
        public void put(String key, byte[] value) {
            kv.put(key, value);
        }

        @Override
        public void delete(String key) {
            kv.delete(key);
        }

        @Override
        public void forEach(BiConsumer<String, byte[]> action) {
            try (KeyValueIterator<String, byte[]> it = kv.all()) {
                it.forEachRemaining(kv -> action.accept(kv.key, kv.value));
            }
        }
    }
}
