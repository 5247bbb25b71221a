package dev.kade.app;

import dev.kade.admin.KadeTopics;
import dev.kade.admin.TopicsWait;
import dev.kade.config.ConfigException;
import dev.kade.config.KadeConfig;
import dev.kade.health.CrashLoopDetector;
import dev.kade.health.HealthChecks;
import dev.kade.health.HealthMonitor;
import dev.kade.health.HealthStatus;
import dev.kade.health.ProducerHealth;
import dev.kade.metrics.KadeMetrics;
import dev.kade.metrics.MetricsServer;
import dev.kade.model.InvalidModelException;
import dev.kade.model.ModelContract;
import dev.kade.model.ModelMetadata;
import dev.kade.onnx.OnnxModel;
import dev.kade.stream.ModelRegistry;
import dev.kade.stream.ScoringTopology;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running scorer: model, metrics and health server, model watcher and Kafka Streams, wired from one
 * {@link KadeConfig} and closed in reverse order. Kafka Streams starts once every input and output topic
 * exists ({@link TopicsWait}); until then {@code /health/ready} names the missing ones. ({@code run} creates
 * missing output topics before this starts when {@code topics.create=true}.) {@code kade run} and
 * {@code kade demo} both use it.
 *
 * <pre>{@code
 * try (ScoringApp app = ScoringApp.start(config)) {
 *     app.awaitReady(Duration.ofSeconds(60));
 *     ...
 *     KadeMetrics.Counts c = app.counts();
 * }
 * }</pre>
 */
public final class ScoringApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringApp.class);
    /** How often missing topics are looked for while kade waits for them. */
    static final Duration TOPICS_POLL = Duration.ofSeconds(1);
    /** Stream-thread deaths in a row, with no partition moving in between, that make a crash loop. */
    static final int CRASH_LOOP_DEATHS = 3;

    private final KadeConfig config;
    private final PrometheusMeterRegistry meters;
    private final KadeMetrics metrics;
    private final ModelRegistry models;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private StreamsRunner runner;
    private MetricsServer server;
    private ModelWatcher watcher;
    /** The shadow model ({@code model.shadow.path}), or null. */
    private ShadowSlot shadow;
    private volatile HealthMonitor monitor;
    private volatile TopicsWait topicsWait;
    private volatile String startFailure;
    /** Why not ready yet while {@link TopicsAtStart} checks topics (the server answers meanwhile); null after. */
    private volatile String preparing;
    private final HealthChecks checks;

    private ScoringApp(KadeConfig config, PrometheusMeterRegistry meters, KadeMetrics metrics, ModelRegistry models) {
        this.config = config;
        this.meters = meters;
        this.metrics = metrics;
        this.models = models;
        this.checks = new HealthChecks(this::state, models::loaded, () -> monitor, config.progressTimeout());
        resources.push(models);
    }

    /** Starts with a fresh Prometheus registry. */
    public static ScoringApp start(KadeConfig config) {
        return start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /**
     * As {@code kade run} starts: like {@link #start(KadeConfig)}, and once {@code /health} answers (live 200,
     * ready 503 "checking topics"), {@link TopicsAtStart} creates or checks kade's topics before Kafka Streams
     * may start. That check can take its whole timeout when the broker is slow or away; before, it ran first
     * and {@code /health} answered nothing meanwhile, so a probe saw a dead pod. A topic problem that refuses
     * start-up becomes {@link #startFailure()}.
     */
    public static ScoringApp startPreparingTopics(KadeConfig config) {
        return start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true);
    }

    /**
     * Loads the model (a model that does not load stops start-up with an error naming {@code model.path}),
     * starts the metrics server, the model watcher and Kafka Streams. Returns once all are started;
     * use {@link #awaitReady} to wait for RUNNING.
     *
     * @throws ConfigException when the model cannot be served or the metrics port cannot be bound
     */
    public static ScoringApp start(KadeConfig config, PrometheusMeterRegistry meters) {
        return start(config, meters, false);
    }

    /** The {@code drift.*} settings, typed (ranges were checked when the settings were read). */
    static dev.kade.drift.DriftSettings driftSettings(KadeConfig config) {
        return new dev.kade.drift.DriftSettings(config.integer(dev.kade.config.LifecycleKeys.DRIFT_WINDOW_RECORDS),
                config.number(dev.kade.config.LifecycleKeys.DRIFT_ALERT_PSI),
                config.integer(dev.kade.config.LifecycleKeys.DRIFT_FEATURE_SERIES));
    }

    private static ScoringApp start(KadeConfig config, PrometheusMeterRegistry meters, boolean prepareTopics) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(meters, "meters");
        LOG.info("starting kade scorer: {}", config.describe());
        KadeMetrics metrics = new KadeMetrics(config.applicationId());
        metrics.bindTo(meters);
        metrics.attachDrift(new dev.kade.drift.DriftMonitor(driftSettings(config)));
        OnnxModel model;
        try {
            model = ModelLoader.load(config, config.modelPath());
        } catch (ModelLoader.LacksLatent e) {
            metrics.modelLoadFailed();
            throw new ConfigException(KadeConfig.SCORES_INCLUDE_LATENT, "is true but " + e.getMessage());
        } catch (InvalidModelException e) {
            metrics.modelLoadFailed();
            throw new ConfigException(KadeConfig.MODEL_PATH, "cannot serve '" + config.modelPath() + "': " + e.getMessage());
        }
        ModelMetadata meta = model.metadata();
        metrics.modelServing(meta, Clock.systemUTC().instant());
        LOG.info("serving model {} ({}, {} features, threshold {}, sha256 {})", meta.version(), meta.kind().label(),
                meta.features().size(), meta.threshold(), model.sha256());
        if (model.verification() == ModelContract.Verification.NO_PROBE) {
            LOG.warn("model {} carries no probe ({}): its scores and quantiles were not verified at load "
                    + "(kade_model_verified 0); re-export it with this kade", meta.version(), ModelContract.KEY_PROBE);
        }
        ScoringApp app = new ScoringApp(config, meters, metrics, ModelRegistry.of(model));
        try {
            app.shadow = ShadowSlot.open(config, app.models, metrics).orElse(null);
            if (app.shadow != null) {
                app.resources.push(app.shadow); // closed after Kafka Streams, which scores with it
            }
            app.startServices(prepareTopics);
            return app;
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
    }

    private void startServices(boolean prepareTopics) {
        Tags tags = Tags.of("application", config.applicationId());
        for (var binder : new io.micrometer.core.instrument.binder.MeterBinder[] {new JvmMemoryMetrics(tags),
            new JvmThreadMetrics(tags), new ClassLoaderMetrics(tags), new ProcessorMetrics(tags),
            new UptimeMetrics(tags), new FileDescriptorMetrics(tags)}) {
            binder.bindTo(meters);
        }
        JvmGcMetrics gc = new JvmGcMetrics(tags);
        gc.bindTo(meters);
        resources.push(gc);

        java.util.Properties streamsProperties = StreamsSetup.properties(config, metrics);
        CrashLoopDetector crashLoops = new CrashLoopDetector(CRASH_LOOP_DEATHS, () -> monitor.snapshot());
        String instanceId = config.kafka().get("group.instance.id");
        runner = new StreamsRunner(shadow == null
                ? ScoringTopology.build(StreamsSetup.topology(config), models, Optional.empty(), metrics)
                : ScoringTopology.build(StreamsSetup.topology(config), models, new dev.kade.stream.ShadowSetup(shadow.registry(),
                        Optional.of(config.string(dev.kade.config.LifecycleKeys.MODEL_SHADOW_SCORES_TOPIC)).filter(t -> !t.isEmpty())), metrics),
                streamsProperties, instanceId == null ? null : new StableTransactionalIds(config.applicationId(), instanceId),
                config.shutdownTimeout(),
                state -> metrics.ready(readiness().healthy()), crashLoops, metrics::streamThreadDied);
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(runner.streams(), tags);
        streamsMetrics.bindTo(meters);
        resources.push(streamsMetrics);
        Admin admin = Admin.create(new StreamsConfig(StreamsSetup.properties(config)).getAdminConfigs(config.applicationId() + "-health"));
        monitor = new HealthMonitor(admin, config.applicationId(), this::assignedPartitions,
                new ProducerHealth(runner.streams()::metrics), config.progressTimeout(), checkInterval(config),
                snapshot -> {
                    metrics.progress(snapshot.partitions().size(), snapshot.stalled().size(),
                            snapshot.secondsSinceProgress(), snapshot.brokerError().isEmpty());
                    metrics.ready(readiness().healthy());
                });
        resources.push(monitor);
        if (prepareTopics) {
            // said before the server listens, so that no early probe reads a reason that is not yet the real one
            preparing = preparingReason();
        }
        try {
            server = MetricsServer.start(config.metricsBindAddress(), config.metricsPort(), meters::scrape,
                    this::liveness, this::readiness);
        } catch (IOException e) {
            throw new ConfigException(KadeConfig.METRICS_PORT, "cannot serve on " + config.metricsBindAddress() + ":"
                    + config.metricsPort() + " (" + KadeConfig.METRICS_BIND_ADDRESS + "): " + e);
        }
        resources.push(server);
        resources.push(runner);
        monitor.start();
        if (prepareTopics && !topicsPrepared()) {
            return; // startFailure says why; run exits 2 and closes what started
        }
        ModelWatcher.Listener served = new PromotionTracker(ModelWatcher.Listener.serving(metrics), metrics, models.metadata(),
                () -> Optional.ofNullable(shadow).map(ShadowSlot::registry).filter(ModelRegistry::loaded)
                        .map(r -> r.metadata().version()));
        watcher = new ModelWatcher(config.modelPath(), models, served, path -> ModelLoader.load(config, path), Clock.systemUTC(),
                config.modelMaxBytes()).start(config.modelPollInterval());
        resources.push(watcher);
        KadeTopics topics = KadeTopics.of(config, TOPICS_POLL);
        String limit = KadeConfig.TOPICS_WAIT_MS + "=" + config.topicsWait().map(d -> d.toMillis() + ": then exit 2")
                .orElse("-1: no time limit");
        // outputs too: a stream thread that writes to a missing topic blocks for max.block.ms, then dies
        topicsWait = new TopicsWait(Admin.create(KadeTopics.adminProperties(config)), topics.names(),
                missing -> topics.missingReason(missing, config) + "; kade starts scoring when they exist (" + limit + ")",
                TOPICS_POLL, config.topicsWait(), runner::start, why -> startFailure = why);
        resources.push(topicsWait);
        topicsWait.start();
    }

    private String preparingReason() {
        return "checking kade's topics on " + config.bootstrapServers() + " (up to " + TopicsAtStart.TIMEOUT.toSeconds()
                + " s) before Kafka Streams starts";
    }

    /** Runs {@link TopicsAtStart} while /health/ready says so; false when start-up must stop (startFailure set). */
    private boolean topicsPrepared() {
        preparing = preparingReason();
        try {
            Optional<String> problem = TopicsAtStart.prepare(config);
            problem.ifPresent(why -> startFailure = why);
            return problem.isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            startFailure = "interrupted while checking topics";
            return false;
        } finally {
            preparing = null;
        }
    }

    /**
     * Why kade stopped trying to start: topics still missing after {@code topics.wait.ms}. {@code run} then
     * exits 2; empty while it runs or waits.
     */
    public Optional<String> startFailure() {
        return Optional.ofNullable(startFailure);
    }

    /** True when {@link #readiness()} is healthy. */
    public boolean ready() {
        return readiness().healthy();
    }

    /** What {@code /health/ready} answers: missing topics first, then {@link HealthChecks}' reasons. */
    public HealthStatus readiness() {
        String checking = preparing;
        if (checking != null) {
            return HealthStatus.failing(checking);
        }
        HealthStatus status = checks.readiness();
        TopicsWait wait = topicsWait;
        Optional<String> missing = wait == null ? Optional.empty() : wait.reason();
        if (missing.isEmpty()) {
            return status;
        }
        List<String> reasons = new ArrayList<>();
        reasons.add(missing.get());
        reasons.addAll(status.reasons());
        return HealthStatus.failing(reasons);
    }

    /** What {@code /health/live} answers; see {@link HealthChecks}. */
    public HealthStatus liveness() {
        return checks.liveness();
    }

    /** The last health check (partitions, broker, producers). */
    public HealthMonitor.Snapshot health() {
        return monitor.snapshot();
    }

    private Set<TopicPartition> assignedPartitions() {
        Set<TopicPartition> out = new HashSet<>();
        try {
            for (ThreadMetadata t : runner.streams().metadataForLocalThreads()) {
                for (TaskMetadata task : t.activeTasks()) {
                    out.addAll(task.topicPartitions());
                }
            }
        } catch (RuntimeException notRunning) { // not started, or shutting down: owns nothing
            return Set.of();
        }
        return out;
    }

    /** A quarter of the progress timeout, between 1 and 5 s: a stall shows within about 1.25 timeouts. */
    static Duration checkInterval(KadeConfig config) {
        long ms = Math.max(1000, Math.min(5000, config.progressTimeout().toMillis() / 4));
        return Duration.ofMillis(ms);
    }

    /** Waits until {@link #ready()}; false when the timeout passes first. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready()) {
            if (System.nanoTime() > deadline || terminal() || startFailure != null) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** Blocks until Kafka Streams stops (NOT_RUNNING or ERROR) or the timeout passes; returns the state. */
    public KafkaStreams.State awaitTermination(Duration timeout) throws InterruptedException {
        return runner.awaitTermination(timeout);
    }

    /** The Kafka Streams instance, for tests in this package that pause it (StalledPartitionIT). */
    KafkaStreams streams() {
        return runner.streams();
    }

    public KafkaStreams.State state() {
        return runner == null ? KafkaStreams.State.CREATED : runner.state();
    }

    /** The port serving /metrics and /health (useful with {@code metrics.port=0}). */
    public int metricsPort() {
        return server.port();
    }

    /** Records in, scored, anomalies and dead-lettered since start. */
    public KadeMetrics.Counts counts() {
        return metrics.counts();
    }

    /** Version of the model serving now. */
    public String modelVersion() {
        return models.metadata().version();
    }

    /** Metadata of the model serving now. */
    public ModelMetadata model() {
        return models.metadata();
    }

    /** The registry the metrics are in (to scrape or print). */
    public PrometheusMeterRegistry meters() {
        return meters;
    }

    private boolean terminal() {
        KafkaStreams.State s = state();
        return s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING || s == KafkaStreams.State.PENDING_ERROR;
    }

    /** Stops the watcher, closes Kafka Streams (bounded by {@code shutdown.timeout.ms}), the model and the server. */
    @Override
    public void close() {
        metrics.ready(false);
        while (!resources.isEmpty()) {
            AutoCloseable c = resources.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("failed to close {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
        LOG.info("kade scorer stopped; {}", metrics.counts());
    }
}
