package dev.kade.metrics;

import dev.kade.model.ModelMetadata;
import dev.kade.output.DeadLetterReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.DoubleConsumer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.Labels;

/**
 * Owns every kade meter: names, descriptions, units and tags live here and nowhere else, so that code,
 * dashboards and alert rules agree. Prometheus names (as scraped):
 *
 * <ul>
 *   <li>{@code kade_records_in_total{topic}}, {@code kade_records_scored_total}, {@code kade_anomalies_total},
 *       {@code kade_dead_letters_total{reason}}, {@code kade_model_loads_total{result}}</li>
 *   <li>{@code kade_model_info{version,kind}} (1 for the serving model), {@code kade_model_threshold},
 *       {@code kade_model_loaded_timestamp_seconds}, {@code kade_model_verified}, {@code kade_ready}</li>
 *   <li>histograms {@code kade_score} (the model's own score), {@code kade_score_percentile} (that score's
 *       percentile, 0..100, among the serving model's training scores) and {@code kade_inference_seconds}</li>
 *   <li>{@code kade_batches_total{trigger}}: model calls, by what closed the batch ({@link BatchTrigger})</li>
 *   <li>per-entity series (windowed models): gauges {@code kade_series_entities} (entities in this instance's
 *       state stores, RocksDB's estimate) and {@code kade_series_state_bytes} (RocksDB's
 *       {@code rocksdb.estimate-live-data-size}); counters {@code kade_series_new_entities_total},
 *       {@code kade_series_warmups_total}, {@code kade_series_imputed_total}, {@code kade_series_late_total},
 *       {@code kade_series_gaps_total}, {@code kade_series_expired_total}. Entities are never tags: one series per
 *       instance</li>
 *   <li>incidents ({@code alerts.mode=incident}): {@code kade_incident_events_total{event}} (opened, updated,
 *       resolved), {@code kade_incident_muted_total} (anomalies in a mute window) and the gauge
 *       {@code kade_incidents_open}</li>
 *   <li>health: {@code kade_partitions_assigned}, {@code kade_partitions_stalled},
 *       {@code kade_progress_age_seconds} (the longest time a partition with lag has gone without its
 *       committed offset moving), {@code kade_broker_reachable}, {@code kade_stream_thread_deaths_total}</li>
 *   <li>drift ({@link #attachDrift}): {@code kade_drift_score_psi}, {@code kade_drift_feature_psi{feature}} (at most
 *       {@code drift.feature.series} features), {@code kade_drift_feature_psi_max}, {@code kade_drift_alert_level},
 *       {@code kade_drift_window_records}</li>
 *   <li>shadow model ({@link #attachShadow}): {@code kade_shadow_info{version,kind}}, {@code kade_shadow_loaded}, {@code kade_shadow_threshold},
 *       {@code kade_shadow_loads_total{result}}, {@code kade_shadow_failures_total},
 *       {@code kade_shadow_records_scored_total}, {@code kade_shadow_alerts_total{model=champion|shadow|both}},
 *       {@code kade_shadow_rank_correlation}, {@code kade_shadow_alert_overlap}, {@code kade_model_promotions_total}</li>
 * </ul>
 *
 * <p>Health meters are per instance, without a partition tag: partitions per instance are bounded, but
 * the series would churn with every rebalance, and the readiness body names the stalled partition.
 *
 * Every meter carries {@code application=<application.id>}. Tags are bounded: topics are configured,
 * reasons are the closed {@link DeadLetterReason} set, versions change only on reload (the old series is removed on swap). Record
 * keys are never tags. Thread-safe; bind once with {@link #bindTo}.
 */
public final class KadeMetrics implements MeterBinder {
    public static final String RECORDS_IN = "kade.records.in";
    public static final String RECORDS_SCORED = "kade.records.scored";
    public static final String ANOMALIES = "kade.anomalies";
    public static final String DEAD_LETTERS = "kade.dead.letters";
    public static final String MODEL_LOADS = "kade.model.loads";
    public static final String MODEL_INFO = "kade.model.info";
    public static final String MODEL_THRESHOLD = "kade.model.threshold";
    public static final String MODEL_LOADED_TIMESTAMP = "kade.model.loaded.timestamp";
    public static final String MODEL_VERIFIED = "kade.model.verified";
    public static final String READY = "kade.ready";
    public static final String SCORE = "kade.score";
    public static final String SCORE_PERCENTILE = "kade.score.percentile";
    public static final String INFERENCE = "kade.inference";
    public static final String BATCHES = "kade.batches";
    public static final String PARTITIONS_ASSIGNED = "kade.partitions.assigned";
    public static final String PARTITIONS_STALLED = "kade.partitions.stalled";
    public static final String PROGRESS_AGE = "kade.progress.age";
    public static final String BROKER_REACHABLE = "kade.broker.reachable";
    public static final String THREAD_DEATHS = "kade.stream.thread.deaths";
    public static final String SERIES_ENTITIES = "kade.series.entities";
    /** Incident events sent ({@code alerts.mode=incident}), by event: opened, updated, resolved. */
    public static final String INCIDENT_EVENTS = "kade.incident.events";
    /** Anomalies inside a mute window ({@code alerts.mute.*}): scored and counted, but in no incident and no alert. */
    public static final String INCIDENT_MUTED = "kade.incident.muted";
    /** Incidents open now in this instance's tasks. */
    public static final String INCIDENTS_OPEN = "kade.incidents.open";
    /** Labels on the feedback topic now, by label (and {@code refused}, {@code unknown_incident}): a gauge. */
    public static final String FEEDBACK_LABELS = "kade.feedback.labels";
    /** Per model version: labelled true positives ÷ labelled true or false positives. */
    public static final String FEEDBACK_PRECISION = "kade.feedback.precision";
    /** Per model version: the threshold the alert budget derived ({@link BudgetMeters}). */
    public static final String ALERT_BUDGET_THRESHOLD = "kade.alert.budget.threshold";
    public static final String SERIES_STATE_BYTES = "kade.series.state.bytes";
    public static final String SERIES_CREATED = "kade.series.new.entities";
    public static final String SERIES_WARMUPS = "kade.series.warmups";
    public static final String SERIES_IMPUTED = "kade.series.imputed";
    public static final String SERIES_LATE = "kade.series.late";
    public static final String SERIES_GAPS = "kade.series.gaps";
    public static final String SERIES_EXPIRED = "kade.series.expired";
    /** Drift ({@link DriftMeters}; only once {@link #attachDrift} was called). */
    public static final String DRIFT_SCORE_PSI = "kade.drift.score.psi";
    public static final String DRIFT_FEATURE_PSI = "kade.drift.feature.psi";
    public static final String DRIFT_FEATURE_PSI_MAX = "kade.drift.feature.psi.max";
    public static final String DRIFT_ALERT_LEVEL = "kade.drift.alert.level";
    public static final String DRIFT_WINDOW_RECORDS = "kade.drift.window.records";
    /** Shadow model ({@link ShadowMeters}; registered at bind, 0 / NaN until {@link #attachShadow}; the info once one loads). */
    public static final String SHADOW_INFO = "kade.shadow.info";
    public static final String SHADOW_LOADED = "kade.shadow.loaded";
    public static final String SHADOW_THRESHOLD = "kade.shadow.threshold";
    public static final String SHADOW_LOADS = "kade.shadow.loads";
    public static final String SHADOW_FAILURES = "kade.shadow.failures";
    public static final String SHADOW_RECORDS_SCORED = "kade.shadow.records.scored";
    public static final String SHADOW_ALERTS = "kade.shadow.alerts";
    public static final String SHADOW_RANK_CORRELATION = "kade.shadow.rank.correlation";
    public static final String SHADOW_ALERT_OVERLAP = "kade.shadow.alert.overlap";
    public static final String SHADOW_PAIRED_RECORDS = "kade.shadow.paired.records";
    public static final String SHADOW_PAIRED_ALERTS = "kade.shadow.paired.alerts";
    public static final String SHADOW_PAIRED_SINCE = "kade.shadow.paired.since";
    /** Promotions and rollbacks of the serving model ({@link PromotionMeters}), by {@code action}. */
    public static final String MODEL_PROMOTIONS = "kade.model.promotions";
    public static final String CONTEXT_CUTS = "kade.output.context.cuts";

    /**
     * Score buckets, -100..1000. Scores have no common scale: an AE or VAE score is a standardised-space MSE
     * (0 and up, log-spaced from 0.001), the default ensemble's is a robust z-score (about half of it
     * negative, hence the mirrored negative buckets and 0). Dashboards read {@link #PERCENTILE_BUCKETS}
     * instead, which mean the same for every model.
     */
    static final double[] SCORE_BUCKETS = {-100, -20, -10, -5, -2, -1, -0.5, -0.2, -0.1, 0, 0.001, 0.002, 0.005,
        0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
    /**
     * Percentile buckets (0..100) of {@code kade_score_percentile}: where a score falls among the serving
     * model's own training scores. Model-independent, so a hot reload to another kind of model keeps the
     * series comparable; on data like the training data about 1% of records lie above 99.
     */
    static final double[] PERCENTILE_BUCKETS = {50, 90, 95, 99, 99.5, 99.9, 99.99};
    /** Inference latency buckets, 5 µs..1 s. */
    static final Duration[] INFERENCE_BUCKETS = {micros(5), micros(10), micros(20), micros(50), micros(100),
        micros(200), micros(500), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1)};

    private final Tags common;
    private volatile MeterRegistry registry;
    private final Map<String, Counter> recordsIn = new ConcurrentHashMap<>();
    private final Map<DeadLetterReason, Counter> deadLetters = new EnumMap<>(DeadLetterReason.class);
    private final Map<BatchTrigger, Counter> batches = new java.util.EnumMap<>(BatchTrigger.class);
    private final Map<dev.kade.output.ContextCut, Counter> contextCuts = new EnumMap<>(dev.kade.output.ContextCut.class);
    private Counter scored;
    private Counter anomalies;
    private Counter loadSuccess;
    private Counter loadFailure;
    private DoubleConsumer score;
    private DoubleConsumer scorePercentile;
    private final AtomicReference<ModelMetadata> serving = new AtomicReference<>();
    private Timer inference;
    private final AtomicReference<Gauge> modelInfo = new AtomicReference<>();
    private final AtomicReference<Double> threshold = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> loadedAt = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> verified = new AtomicReference<>(Double.NaN);
    private volatile boolean ready;
    private volatile int partitionsAssigned;
    private volatile int partitionsStalled;
    private volatile double progressAgeSeconds;
    private volatile boolean brokerReachable = true;
    private Counter threadDeaths;
    private final DoubleAdder deadLetterTotal = new DoubleAdder();
    /** Per task (its id, not an entity): entities and live bytes of its entity store, as last sampled. */
    private final Map<String, long[]> seriesStores = new ConcurrentHashMap<>();
    private final Map<dev.kade.incident.IncidentEvent.Kind, Counter> incidentEvents =
            new EnumMap<>(dev.kade.incident.IncidentEvent.Kind.class);
    private final Map<String, Integer> incidentsOpen = new ConcurrentHashMap<>();
    private Counter incidentMuted;
    private Counter seriesCreated;
    private Counter seriesWarmUps;
    private Counter seriesImputed;
    private Counter seriesLate;
    private Counter seriesGaps;
    private Counter seriesExpired;
    private volatile DriftMeters drift;
    private volatile ShadowMeters shadow;
    private PromotionMeters promotions;

    /** @param applicationId value of the {@code application} tag on every meter */
    public KadeMetrics(String applicationId) {
        this.common = Tags.of("application", Objects.requireNonNull(applicationId, "applicationId"));
    }

    @Override
    public void bindTo(MeterRegistry r) {
        if (registry != null) {
            throw new IllegalStateException("KadeMetrics is already bound to a registry");
        }
        registry = r;
        scored = Counter.builder(RECORDS_SCORED).description("Records scored by the model").tags(common).register(r);
        anomalies = Counter.builder(ANOMALIES).description("Records whose score reached the model threshold (alerts sent)")
                .tags(common).register(r);
        loadSuccess = loadCounter(r, "success");
        loadFailure = loadCounter(r, "failure");
        promotions = new PromotionMeters(r, common);
        // the shadow's meters exist without a shadow too (0 / NaN until attachShadow), as the feedback gauges do
        shadow = new ShadowMeters(r, common);
        feedback = new FeedbackMeters(r, common);
        score = histogram(r, SCORE, "Anomaly scores of scored records (the serving model's own score, on its own "
                + "scale: compare with kade_model_threshold; kade_score_percentile is comparable across models)",
                SCORE_BUCKETS);
        scorePercentile = histogram(r, SCORE_PERCENTILE, "Percentile (0..100) of each record's score among the "
                + "serving model's training scores (the alert's percentile field); about 1% lie above 99 on data "
                + "like the training data", PERCENTILE_BUCKETS);
        inference = Timer.builder(INFERENCE).description("Model inference time per call (one batch of feature rows to scores)")
                .tags(common).serviceLevelObjectives(INFERENCE_BUCKETS).register(r);
        // strong references: Micrometer holds gauge state weakly, and a collected binder would read NaN
        Gauge.builder(MODEL_THRESHOLD, threshold, AtomicReference::get).description("Score threshold of the serving model")
                .tags(common).strongReference(true).register(r);
        Gauge.builder(MODEL_LOADED_TIMESTAMP, loadedAt, AtomicReference::get)
                .description("Unix time at which the serving model was loaded").baseUnit("seconds").tags(common)
                .strongReference(true).register(r);
        Gauge.builder(MODEL_VERIFIED, verified, AtomicReference::get)
                .description("1 when the serving model's metadata was verified against its probe at load, "
                        + "0 when the model carries no probe (accepted with a warning)").tags(common)
                .strongReference(true).register(r);
        Gauge.builder(READY, this, m -> m.ready ? 1 : 0)
                .description("1 when /health/ready answers 200 (Streams RUNNING, model loaded, broker answering, no stalled partition), else 0").tags(common)
                .strongReference(true).register(r);
        for (BatchTrigger t : BatchTrigger.values()) {
            batches.put(t, Counter.builder(BATCHES).description("Batches scored (model calls), by what closed the batch")
                    .tags(common).tag("trigger", t.label()).register(r));
        }
        Gauge.builder(PARTITIONS_ASSIGNED, this, m -> m.partitionsAssigned)
                .description("Input partitions this instance owns").tags(common).strongReference(true).register(r);
        Gauge.builder(PARTITIONS_STALLED, this, m -> m.partitionsStalled)
                .description("Owned partitions with lag whose committed offset has not moved within health.progress.timeout.ms")
                .tags(common).strongReference(true).register(r);
        Gauge.builder(PROGRESS_AGE, this, m -> m.progressAgeSeconds)
                .description("Longest time an owned partition with lag has gone without its committed offset moving (0 when caught up)")
                .baseUnit("seconds").tags(common).strongReference(true).register(r);
        Gauge.builder(BROKER_REACHABLE, this, m -> m.brokerReachable ? 1 : 0)
                .description("1 when the broker answered the last health check, else 0").tags(common)
                .strongReference(true).register(r);
        threadDeaths = Counter.builder(THREAD_DEATHS)
                .description("Stream threads that died of an uncaught exception (each is replaced until a crash loop is seen)")
                .tags(common).register(r);
        Gauge.builder(SERIES_ENTITIES, this, m -> m.seriesStoreTotal(0))
                .description("Entities held in this instance's per-entity state stores (RocksDB's estimate)").tags(common)
                .strongReference(true).register(r);
        Gauge.builder(SERIES_STATE_BYTES, this, m -> m.seriesStoreTotal(1))
                .description("Live bytes of this instance's per-entity state stores (rocksdb.estimate-live-data-size)")
                .baseUnit("bytes").tags(common).strongReference(true).register(r);
        seriesCreated = Counter.builder(SERIES_CREATED).description("Entities seen for the first time, or again after expiring")
                .tags(common).register(r);
        seriesWarmUps = Counter.builder(SERIES_WARMUPS)
                .description("Records scored while their entity's window was warming up (never alerting)").tags(common).register(r);
        seriesImputed = Counter.builder(SERIES_IMPUTED)
                .description("Records scored on a padded partial window (series.warmup=impute)").tags(common).register(r);
        seriesLate = Counter.builder(SERIES_LATE).description("Records older than their entity's newest (series.late)")
                .tags(common).register(r);
        seriesGaps = Counter.builder(SERIES_GAPS).description("Gaps longer than series.gap.max.ms in an entity's records")
                .tags(common).register(r);
        seriesExpired = Counter.builder(SERIES_EXPIRED)
                .description("Entities that left the state after series.idle.expiry.ms without a record").tags(common).register(r);
        for (dev.kade.incident.IncidentEvent.Kind k : dev.kade.incident.IncidentEvent.Kind.values()) {
            incidentEvents.put(k, Counter.builder(INCIDENT_EVENTS)
                    .description("Incident events sent to the alert topic (alerts.mode=incident), by event")
                    .tags(common).tag("event", k.label()).register(r));
        }
        incidentMuted = Counter.builder(INCIDENT_MUTED)
                .description("Anomalous records inside a mute window (alerts.mute.*): scored, but in no incident and no alert")
                .tags(common).register(r);
        Gauge.builder(INCIDENTS_OPEN, this, m -> m.incidentsOpen.values().stream().mapToInt(Integer::intValue).sum())
                .description("Incidents open now in this instance's tasks (alerts.mode=incident)").tags(common)
                .strongReference(true).register(r);
        for (dev.kade.output.ContextCut cut : dev.kade.output.ContextCut.values()) {
            contextCuts.put(cut, counter(CONTEXT_CUTS, "Carried headers or fields cut to keep alerts and scores bounded",
                    Tags.of("cut", cut.label())));
        }
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            // every reason registered up front: rate() has a zero series to start from, and the map is read-only after
            deadLetters.put(reason, counter(DEAD_LETTERS, "Records sent to the dead-letter topic, by reason",
                    Tags.of("reason", reason.label())));
        }
    }

    /** {@code count} records read from an input topic (the stream counts once per batch). */
    public void recordsIn(String topic, long count) {
        if (count > 0) {
            recordsIn.computeIfAbsent(topic, t -> counter(RECORDS_IN, "Records read from input topics", Tags.of("topic", t)))
                    .increment(count);
        }
    }

    /**
     * One model call: the scores of the records it scored ({@code scores[0..count)}), the time the call
     * took, and how many of them were anomalies. The stream calls this once per batch, so that stream
     * threads touch the shared meters once per batch instead of once per record. Percentiles are taken
     * in the distribution of the model last announced by {@link #modelServing}; a batch scored by the old
     * model in the moment of a hot reload is ranked against the new one's.
     */
    public void scoredBatch(BatchTrigger trigger, float[] scores, int count, long inferenceNanos, int anomalyCount) {
        bound();
        batches.get(trigger).increment();
        if (count <= 0) {
            return;
        }
        scored.increment(count);
        ModelMetadata model = serving.get();
        for (int i = 0; i < count; i++) {
            score.accept(scores[i]);
            if (model != null && Float.isFinite(scores[i])) {
                scorePercentile.accept(model.percentile(scores[i]));
            }
        }
        inference.record(inferenceNanos, TimeUnit.NANOSECONDS);
        if (anomalyCount > 0) {
            anomalies.increment(anomalyCount);
        }
    }

    /**
     * Measures drift with {@code monitor} from now on and registers its gauges; call once, after {@link #bindTo}
     * and before the first {@link #modelServing}.
     */
    public void attachDrift(dev.kade.drift.DriftMonitor monitor) {
        if (drift != null) {
            throw new IllegalStateException("a drift monitor is already attached");
        }
        drift = new DriftMeters(bound(), common, java.util.Objects.requireNonNull(monitor, "monitor"));
    }

    /**
     * A per-record batch's scores and raw feature rows, for drift ({@code rowMajor} holds {@code rows} rows of
     * {@code scoredBy}'s features). Does nothing without {@link #attachDrift}.
     */
    public void drift(ModelMetadata scoredBy, float[] scores, int count, float[] rowMajor, int rows) {
        DriftMeters d = drift;
        if (d != null) {
            d.monitor().observe(scoredBy, scores, count, rowMajor, rows);
        }
    }

    /** Compares a shadow model with the serving one from now on, feeding the shadow meters; call once, after {@link #bindTo}. */
    public void attachShadow(dev.kade.drift.ShadowAgreement agreement) {
        bound();
        shadow.attach(java.util.Objects.requireNonNull(agreement, "agreement"));
    }

    /** A shadow model was loaded (at start or on reload) and now shadows the serving one. */
    public void shadowServing(ModelMetadata metadata, Instant at) {
        ShadowMeters s = shadow;
        if (s != null && s.agreement() != null) { // bound, and a shadow configured
            s.serving(metadata, at);
        }
    }

    /** A shadow model file was refused. */
    public void shadowLoadFailed() {
        ShadowMeters s = shadow;
        if (s != null && s.agreement() != null) { // bound, and a shadow configured
            s.loadFailed();
        }
    }

    /** A batch the shadow model could not score. */
    public void shadowFailed() {
        ShadowMeters s = shadow;
        if (s != null && s.agreement() != null) { // bound, and a shadow configured
            s.failed();
        }
    }

    /** Records {@code 0..count)} scored by both models, with each model's threshold. */
    public void shadowBatch(float[] championScores, double championThreshold, float[] shadowScores, double shadowThreshold,
                            int count) {
        ShadowMeters s = shadow;
        dev.kade.drift.ShadowAgreement a = s == null ? null : s.agreement();
        if (a != null) { // bound, and a shadow configured
            a.observe(championScores, championThreshold, shadowScores, shadowThreshold, count);
        }
    }

    /** A carried header or field cut, or an output sent without its context (output.headers.*, output.fields.*). */
    public void contextCut(dev.kade.output.ContextCut cut) {
        Counter c = contextCuts.get(cut);
        if (c == null) {
            bound(); // throws: not bound yet
        }
        c.increment();
    }

    /** One record sent to the dead-letter topic for the given reason. */
    public void deadLetter(DeadLetterReason reason) {
        Counter c = deadLetters.get(reason);
        if (c == null) {
            bound(); // throws: not bound yet
        }
        c.increment();
        deadLetterTotal.add(1);
    }

    /**
     * A model was loaded and now serves: replaces the info series and sets threshold, load time and
     * whether it was verified (a loaded model with a probe passed its check; one without was not checked).
     */
    public void modelServing(ModelMetadata metadata, Instant loadedAtTime) {
        MeterRegistry r = bound();
        loadSuccess.increment();
        threshold.set(metadata.threshold());
        serving.set(metadata);
        DriftMeters d = drift;
        if (d != null) {
            d.serving(metadata);
        }
        ShadowMeters sh = shadow;
        if (sh != null) {
            sh.championChanged(loadedAtTime);
        }
        verified.set(metadata.probe().isPresent() ? 1.0 : 0.0);
        loadedAt.set(loadedAtTime.toEpochMilli() / 1000.0);
        // the serving model's precision exists from its first load: NaN (0 of 0) until one of its incidents is labelled
        feedback.servingModel(metadata.version());
        budgetMeters().servingModel(metadata.version()); // NaN without a budget
        Gauge next = Gauge.builder(MODEL_INFO, () -> 1.0).description("Serving model: 1 for the version and kind that scores records")
                .tags(common).tag("version", metadata.version()).tag("kind", metadata.kind().label()).register(r);
        Gauge previous = modelInfo.getAndSet(next);
        if (previous != null && !previous.getId().equals(next.getId())) {
            r.remove(previous);
        }
    }

    /** The serving model just swapped in was a promotion of the shadow, or a rollback to the previous champion. */
    public void modelPromoted(PromotionMeters.Action action) {
        bound();
        promotions.count(action);
    }

    /** A model file was refused (unreadable, breaks the contract, or does not fit the input features). */
    public void modelLoadFailed() {
        bound();
        loadFailure.increment();
    }

    /** Sets {@code kade_ready}. */
    public void ready(boolean isReady) {
        this.ready = isReady;
    }

    public boolean ready() {
        return ready;
    }

    /** Batches scored so far that the given trigger closed. */
    public long batches(BatchTrigger trigger) {
        Counter c = batches.get(trigger);
        return c == null ? 0 : (long) c.count();
    }

    /** Sets the health gauges from one health check. */
    public void progress(int assigned, int stalled, double secondsSinceProgress, boolean brokerAnswered) {
        this.partitionsAssigned = assigned;
        this.partitionsStalled = stalled;
        this.progressAgeSeconds = secondsSinceProgress;
        this.brokerReachable = brokerAnswered;
    }

    /** What one batch or sweep did to the entities (the stream reports once per batch, not per record). */
    public void series(dev.kade.entity.SeriesCounts c) {
        bound();
        add(seriesCreated, c.created());
        add(seriesWarmUps, c.warmUps());
        add(seriesImputed, c.imputed());
        add(seriesLate, c.late());
        add(seriesGaps, c.gaps());
        add(seriesExpired, c.expired());
    }

    private static void add(Counter c, long n) {
        if (n > 0) {
            c.increment(n);
        }
    }

    /**
     * The latest sample of one task's entity store: its entities and live bytes ({@code bytes < 0} when RocksDB
     * cannot say). {@code task} is the task id, bounded by the partitions; it is not a tag.
     */
    public void seriesStore(String task, long entities, long bytes) {
        seriesStores.put(task, new long[] {entities, Math.max(0, bytes)});
    }

    /** A task closed its entity store (it moved to another instance or the app stopped). */
    public void seriesStoreClosed(String task) {
        seriesStores.remove(task);
    }

    private double seriesStoreTotal(int field) {
        long total = 0;
        for (long[] v : seriesStores.values()) {
            total += v[field];
        }
        return total;
    }

    /** One incident event sent ({@code alerts.mode=incident}). */
    public void incidentEvent(dev.kade.incident.IncidentEvent.Kind kind) {
        bound();
        incidentEvents.get(kind).increment();
    }

    /** One anomaly inside a mute window. */
    public void incidentMuted() {
        bound();
        incidentMuted.increment();
    }

    /** A task's open incidents now (the gauge sums the instance's tasks). */
    public void incidentsOpen(String task, int open) {
        incidentsOpen.put(task, open);
    }

    /** A task closed: its open incidents leave this instance's gauge. */
    public void incidentsClosed(String task) {
        incidentsOpen.remove(task);
    }

    private volatile BudgetMeters budget;
    /** The feedback loop's gauges ({@link FeedbackMeters}), from {@link #bindTo} on. */
    private volatile FeedbackMeters feedback;

    /** A task's alert budget derived {@code threshold} (its median over its entities) for {@code model}. */
    public void budgetThreshold(String task, String model, double threshold) {
        budgetMeters().threshold(task, model, threshold);
    }

    private BudgetMeters budgetMeters() {
        BudgetMeters b = budget;
        if (b == null) {
            synchronized (this) {
                if (budget == null) {
                    budget = new BudgetMeters(bound(), common);
                }
                b = budget;
            }
        }
        return b;
    }

    /** A task with an alert budget closed: it no longer reports. */
    public void budgetClosed(String task) {
        BudgetMeters b = budget;
        if (b != null) {
            b.closed(task);
        }
    }

    /** A stream thread died of an uncaught exception. */
    public void streamThreadDied() {
        bound();
        threadDeaths.increment();
    }

    /** Totals for summaries (the demo prints them): in, scored, anomalies, dead letters. */
    public Counts counts() {
        double in = recordsIn.values().stream().mapToDouble(Counter::count).sum();
        return new Counts((long) in, scored == null ? 0 : (long) scored.count(),
                anomalies == null ? 0 : (long) anomalies.count(), (long) deadLetterTotal.sum());
    }

    /** Counts of records since start. {@code in == scored + deadLettered} once the stream has caught up. */
    public record Counts(long in, long scored, long anomalies, long deadLettered) {
    }

    /**
     * A histogram with the given upper bounds. Micrometer's fixed-boundary histograms round a value up to a
     * whole number before bucketing (micrometer#2341), which would put every score below 1 into the
     * {@code le="1"} bucket, and its summaries drop negative amounts (an ensemble's z-scores); so on a
     * Prometheus registry, the one kade serves, the histogram is a native Prometheus client one, registered
     * in the same registry and scraped with the rest. Other registries (tests) get a Micrometer summary,
     * with those two limits.
     */
    private DoubleConsumer histogram(MeterRegistry r, String name, String description, double[] buckets) {
        if (r instanceof PrometheusMeterRegistry prometheus) {
            Histogram h = Histogram.builder().name(name.replace('.', '_')).help(description)
                    .classicOnly().classicUpperBounds(buckets).withoutExemplars()
                    .constLabels(Labels.of("application", common.stream().findFirst().orElseThrow().getValue()))
                    .register(prometheus.getPrometheusRegistry());
            return h::observe;
        }
        // Micrometer takes only positive boundaries (and records only non-negative amounts)
        DistributionSummary summary = DistributionSummary.builder(name).description(description).tags(common)
                .serviceLevelObjectives(java.util.Arrays.stream(buckets).filter(b -> b > 0).toArray()).register(r);
        return summary::record;
    }

    private Counter loadCounter(MeterRegistry r, String result) {
        return Counter.builder(MODEL_LOADS).description("Model load attempts at start and on reload, by result")
                .tags(common).tag("result", result).register(r);
    }

    private Counter counter(String name, String description, Tags tags) {
        return Counter.builder(name).description(description).tags(common).tags(tags).register(bound());
    }

    /** The feedback topic's labels as the newest read of it counts them (alerts.feedback.topic). */
    public void feedback(dev.kade.incident.FeedbackBook book) {
        bound();
        feedback.update(book);
    }

    private MeterRegistry bound() {
        MeterRegistry r = registry;
        if (r == null) {
            throw new IllegalStateException("KadeMetrics is not bound to a registry");
        }
        return r;
    }

    private static Duration micros(long us) {
        return Duration.ofNanos(us * 1000);
    }
}
