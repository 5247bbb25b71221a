package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.app.StreamsSetup;
import dev.kade.config.KadeConfig;
import dev.kade.drift.ShadowAgreement;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ServableModel;
import dev.kade.testing.WindowedTestScorer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shadow beside a windowed (per-entity) serving model, in the real topology ({@link TopologyTestDriver}): it scores
 * the same windows the serving model scored (the agreement moves, with the rank correlation of two models that score
 * alike at 1), sends nothing, and the serving model's scores and alerts are those it sends without a shadow.
 */
class WindowedShadowTest {
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final int W = 4;
    private static final int ENTITIES = 5;
    private static final int STEPS = 40;

    @TempDir
    Path dir;

    private record Run(long scores, long alerts, String scrape) {
    }

    private Run run(Optional<WindowedTestScorer> shadow) {
        KadeConfig config = KadeConfig.fromMap(Map.of("bootstrap.servers", "unused:9092", "input.topics", "metrics",
                "model.path", dir.resolve("model.onnx").toString(), "scores.topic", "kade-scores",
                "series.likelihood.learning.period", "3", "kafka.state.dir", dir.resolve("state").toString()));
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KadeMetrics metrics = new KadeMetrics("kade");
        metrics.bindTo(meters);
        WindowedTestScorer champion = new WindowedTestScorer(List.of("v"), W, "w1");
        metrics.modelServing(champion.metadata(), T0);
        shadow.ifPresent(s -> {
            metrics.attachShadow(new ShadowAgreement(1000));
            metrics.shadowServing(s.metadata(), T0);
        });
        TopologyConfig topology = StreamsSetup.topology(config);
        topology = new TopologyConfig(topology.topics(), topology.topFeatures(), Clock.fixed(T0, ZoneOffset.UTC),
                topology.batching(), topology.limits(), false, topology.series());
        try (ModelRegistry models = ModelRegistry.of(ServableModel.unowned(champion));
             ModelRegistry shadows = ModelRegistry.of(ServableModel.unowned(shadow.orElse(champion)));
             TopologyTestDriver driver = new TopologyTestDriver(shadow.isPresent()
                     ? ScoringTopology.build(topology, models, ShadowSetup.metricsOnly(shadows), metrics)
                     : ScoringTopology.build(topology, models, metrics), StreamsSetup.properties(config, metrics))) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic("metrics", new ByteArraySerializer(), new ByteArraySerializer());
            for (int t = 0; t < STEPS; t++) {
                for (int e = 0; e < ENTITIES; e++) {
                    // each entity near its own level, entity 2 jumping far off twice
                    double v = 10 * e + (t % 3) + (e == 2 && (t == 20 || t == 33) ? 500 : 0);
                    in.pipeInput(new TestRecord<>(("e" + e).getBytes(StandardCharsets.UTF_8),
                            ("{\"v\":" + v + "}").getBytes(StandardCharsets.UTF_8), T0.plusSeconds(t)));
                }
            }
            var de = new ByteArrayDeserializer();
            return new Run(driver.createOutputTopic("kade-scores", de, de).getQueueSize(),
                    driver.createOutputTopic("kade-alerts", de, de).getQueueSize(), meters.scrape());
        }
    }

    @Test
    void aShadowScoresTheSameWindowsAndChangesNothingTheServingModelSends() {
        Run alone = run(Optional.empty());
        Run shadowed = run(Optional.of(new WindowedTestScorer(List.of("v"), W, "w2")));
        assertThat(shadowed.scores()).isEqualTo(alone.scores()).isEqualTo(ENTITIES * STEPS);
        assertThat(shadowed.alerts()).as("the shadow sends no alert").isEqualTo(alone.alerts()).isPositive();
        String text = shadowed.scrape();
        assertThat(value(text, "kade_shadow_records_scored_total{application=\"kade\"}"))
                .as("every scored window, the warming-up ones included").isEqualTo(ENTITIES * STEPS);
        assertThat(value(text, "kade_shadow_rank_correlation{application=\"kade\"}"))
                .as("two models that score alike rank alike").isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(value(text, "kade_shadow_alerts_total{application=\"kade\",model=\"shadow\"}"))
                .isEqualTo(value(text, "kade_shadow_alerts_total{application=\"kade\",model=\"champion\"}")).isPositive();
        assertThat(value(text, "kade_shadow_failures_total{application=\"kade\"}")).isZero();
    }

    @Test
    void aShadowReadingOtherWindowsIsCountedAsAFailureAndNotPaired() {
        // the load check refuses such a shadow (ShadowSlotWindowsTest); should one serve anyway, nothing is paired
        Run shadowed = run(Optional.of(new WindowedTestScorer(List.of("v"), W + 2, "w-other")));
        String text = shadowed.scrape();
        assertThat(value(text, "kade_shadow_records_scored_total{application=\"kade\"}")).isZero();
        assertThat(value(text, "kade_shadow_failures_total{application=\"kade\"}")).isPositive();
        assertThat(shadowed.scores()).isEqualTo(ENTITIES * STEPS);
    }

    private static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + series + " in\n" + scrape));
    }
}
