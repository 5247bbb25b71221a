package dev.kade.metrics;

import dev.kade.drift.ShadowAgreement;
import dev.kade.model.ModelMetadata;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * The shadow model's meters of {@link KadeMetrics} (names there): which model shadows, its loads, its batches'
 * failures, and its agreement with the serving model ({@link ShadowAgreement}). The label {@code model} of
 * {@code kade_shadow_alerts_total} is the closed set champion / shadow / both.
 *
 * <p>Registered when the metrics are bound, whether or not a shadow is configured ({@link #attach} brings the
 * agreement when one is): without a shadow the counters read 0, {@code kade_shadow_loaded} 0 and the correlation,
 * overlap and pair age NaN, so that the dashboard's shadow row and the shadow alert rules read "no shadow" rather
 * than "no such metric" (CI's Prometheus check of the demo, which has no shadow, needs a series for each).
 * Only {@code kade_shadow_info} waits for a shadow model to load: it names one.
 */
final class ShadowMeters {
    private final MeterRegistry registry;
    private final Tags common;
    private volatile ShadowAgreement agreement;
    private final Counter loadSuccess;
    private final Counter loadFailure;
    private final Counter failures;
    private final AtomicReference<Gauge> info = new AtomicReference<>();
    private final AtomicReference<Double> threshold = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> pairedSince = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> loaded = new AtomicReference<>(0.0);

    ShadowMeters(MeterRegistry r, Tags common) {
        this.registry = r;
        this.common = common;
        loadSuccess = Counter.builder(KadeMetrics.SHADOW_LOADS).description("Shadow model load attempts at start and on reload, by result")
                .tags(common).tag("result", "success").register(r);
        loadFailure = Counter.builder(KadeMetrics.SHADOW_LOADS).description("Shadow model load attempts at start and on reload, by result")
                .tags(common).tag("result", "failure").register(r);
        failures = Counter.builder(KadeMetrics.SHADOW_FAILURES)
                .description("Batches the shadow model could not score, and shadow score records left out for exceeding "
                        + "output.max.bytes (the serving model's results were sent as usual)")
                .tags(common).register(r);
        FunctionCounter.builder(KadeMetrics.SHADOW_RECORDS_SCORED, this, m -> m.read(ShadowAgreement::scored, 0))
                .description("Records scored by both the serving and the shadow model").tags(common).register(r);
        alerts(r, "champion", ShadowAgreement::championAlerts);
        alerts(r, "shadow", ShadowAgreement::shadowAlerts);
        alerts(r, "both", ShadowAgreement::bothAlerts);
        Gauge.builder(KadeMetrics.SHADOW_RANK_CORRELATION, this, m -> m.read(ShadowAgreement::rankCorrelation, Double.NaN))
                .description("Spearman rank correlation of the serving and shadow models' scores over the last "
                        + "drift.window.records records both scored (NaN below 2)").tags(common).strongReference(true).register(r);
        Gauge.builder(KadeMetrics.SHADOW_ALERT_OVERLAP, this, m -> m.read(ShadowAgreement::alertOverlap, Double.NaN))
                .description("Records both models would alert on over those either would, in the same window (NaN when "
                        + "neither would alert on any)").tags(common).strongReference(true).register(r);
        Gauge.builder(KadeMetrics.SHADOW_PAIRED_RECORDS, this, m -> m.read(ShadowAgreement::pairedRecords, 0))
                .description("Records both models scored since this shadow and this serving model were paired (either's "
                        + "load): what kade promote's --min-records reads").tags(common).strongReference(true).register(r);
        Gauge.builder(KadeMetrics.SHADOW_PAIRED_ALERTS, this, m -> m.read(ShadowAgreement::pairedShadowAlerts, 0))
                .description("Of those, records the shadow would have alerted on: kade promote's --max-alert-rate reads "
                        + "their ratio").tags(common).strongReference(true).register(r);
        Gauge.builder(KadeMetrics.SHADOW_PAIRED_SINCE, pairedSince, AtomicReference::get)
                .description("Unix time this shadow and this serving model were paired: kade promote's --min-age reads it")
                .baseUnit("seconds").tags(common).strongReference(true).register(r);
        Gauge.builder(KadeMetrics.SHADOW_LOADED, loaded, AtomicReference::get)
                .description("1 while a shadow model is loaded, 0 while the shadow slot (model.shadow.path) is still empty")
                .tags(common).strongReference(true).register(r);
        Gauge.builder(KadeMetrics.SHADOW_THRESHOLD, threshold, AtomicReference::get).description("Threshold of the shadow model")
                .tags(common).strongReference(true).register(r);
    }

    private void alerts(MeterRegistry r, String model, ToDoubleFunction<ShadowAgreement> count) {
        FunctionCounter.builder(KadeMetrics.SHADOW_ALERTS, this, m -> m.read(count, 0))
                .description("Records scored by both models that each would alert on (champion, shadow) and both would; "
                        + "the shadow's are never sent").tags(common).tag("model", model).register(r);
    }

    /** What {@code read} of the agreement gives, or {@code none} while no shadow is configured. */
    private double read(ToDoubleFunction<ShadowAgreement> value, double none) {
        ShadowAgreement a = agreement;
        return a == null ? none : value.applyAsDouble(a);
    }

    /** A shadow is configured: its agreement with the serving model feeds the meters from now on (once). */
    void attach(ShadowAgreement a) {
        if (agreement != null) {
            throw new IllegalStateException("a shadow is already attached");
        }
        agreement = a;
    }

    /** The agreement, or null while no shadow is configured. */
    ShadowAgreement agreement() {
        return agreement;
    }

    /** A shadow model was loaded and now shadows. */
    void serving(ModelMetadata metadata, Instant at) {
        loadSuccess.increment();
        loaded.set(1.0);
        threshold.set(metadata.threshold());
        championChanged(at);
        Gauge next = Gauge.builder(KadeMetrics.SHADOW_INFO, () -> 1.0)
                .description("Shadow model: 1 for the version and kind that shadows the serving model").tags(common)
                .tag("version", metadata.version()).tag("kind", metadata.kind().label()).register(registry);
        Gauge previous = info.getAndSet(next);
        if (previous != null && !previous.getId().equals(next.getId())) {
            registry.remove(previous);
        }
    }

    /** Another pair (a new serving or shadow model): the agreement restarts and the pair's age with it. */
    void championChanged(Instant at) {
        ShadowAgreement a = agreement;
        if (a == null) {
            return; // no shadow: no pair
        }
        a.restart();
        pairedSince.set(at.toEpochMilli() / 1000.0);
    }

    void loadFailed() {
        loadFailure.increment();
    }

    void failed() {
        failures.increment();
    }
}
