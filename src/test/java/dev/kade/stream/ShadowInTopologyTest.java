package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kade.app.StreamsSetup;
import dev.kade.config.KadeConfig;
import dev.kade.drift.ShadowAgreement;
import dev.kade.features.DataSet;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ModelMetadata;
import dev.kade.model.Scores;
import dev.kade.model.ServableModel;
import dev.kade.onnx.OnnxModel;
import dev.kade.testing.ShuttleModels;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shadow model in the real topology ({@link TopologyTestDriver}, ONNX Runtime): it scores the same records in the
 * same batches as the serving model, its would-be alerts are counted and never sent, the agreement metrics come out,
 * and a failing shadow changes nothing the serving model sends.
 */
class ShadowInTopologyTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final int N = 2000;

    @TempDir
    Path dir;

    private record Run(long alerts, long scores, PrometheusMeterRegistry meters) {
    }

    /** Streams N shuttle rows (every 40th with f0 moved far: anomalies) plus one unreadable record. */
    private Run run(ServableModel champion, Optional<ServableModel> shadow) {
        DataSet shuttle = ShuttleModels.shuttle();
        KadeConfig config = KadeConfig.fromMap(Map.of("bootstrap.servers", "unused:9092", "input.topics", "metrics",
                "model.path", dir.resolve("model.onnx").toString(), "scores.topic", "kade-scores"));
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        KadeMetrics metrics = new KadeMetrics("kade");
        metrics.bindTo(meters);
        metrics.modelServing(champion.metadata(), NOW);
        ModelRegistry models = ModelRegistry.of(champion);
        Optional<ModelRegistry> shadows = shadow.map(ModelRegistry::of);
        if (shadow.isPresent()) {
            metrics.attachShadow(new ShadowAgreement(5000));
            metrics.shadowServing(shadow.get().metadata(), NOW);
        }
        TopologyConfig topology = new TopologyConfig(StreamsSetup.topics(config), 3, Clock.fixed(NOW, ZoneOffset.UTC),
                new Batching(64, Duration.ofMillis(5)));
        try (TopologyTestDriver driver = new TopologyTestDriver(ScoringTopology.build(topology, models, shadows, metrics),
                StreamsSetup.properties(config, metrics))) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic("metrics", new ByteArraySerializer(), new ByteArraySerializer());
            TestOutputTopic<byte[], byte[]> alerts = driver.createOutputTopic("kade-alerts", new ByteArrayDeserializer(), new ByteArrayDeserializer());
            TestOutputTopic<byte[], byte[]> scores = driver.createOutputTopic("kade-scores", new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<String> features = champion.metadata().features();
            for (int i = 0; i < N; i++) {
                in.pipeInput(("k" + i).getBytes(StandardCharsets.UTF_8), json(features, shuttle.rows()[i % shuttle.size()],
                        i % 40 == 0 ? 500 : 0));
            }
            in.pipeInput("bad".getBytes(StandardCharsets.UTF_8), "{".getBytes(StandardCharsets.UTF_8));
            driver.advanceWallClockTime(Duration.ofSeconds(1));
            return new Run(alerts.getQueueSize(), scores.getQueueSize(), meters);
        } finally {
            models.close();
            shadows.ifPresent(ModelRegistry::close);
        }
    }

    @Test
    void shadowScoresEveryReadableRecordAndSendsNothing() {
        Run alone = run(OnnxModel.load(ShuttleModels.write(dir.resolve("a.onnx"), ShuttleModels.ae())), Optional.empty());
        Run shadowed = run(OnnxModel.load(ShuttleModels.write(dir.resolve("b.onnx"), ShuttleModels.ae())),
                Optional.of(OnnxModel.load(ShuttleModels.write(dir.resolve("c.onnx"), ShuttleModels.otherAe()))));
        assertThat(shadowed.alerts()).as("the shadow adds no alert").isEqualTo(alone.alerts()).isGreaterThanOrEqualTo(N / 40);
        assertThat(shadowed.scores()).isEqualTo(alone.scores()).isEqualTo(N);
        String text = shadowed.meters().scrape();
        assertThat(value(text, "kade_shadow_records_scored_total{application=\"kade\"}")).isEqualTo(N);
        assertThat(value(text, "kade_shadow_alerts_total{application=\"kade\",model=\"champion\"}")).isEqualTo(shadowed.alerts());
        double shadowAlerts = value(text, "kade_shadow_alerts_total{application=\"kade\",model=\"shadow\"}");
        double both = value(text, "kade_shadow_alerts_total{application=\"kade\",model=\"both\"}");
        assertThat(shadowAlerts).as("another AE on the same data finds the moved records too").isGreaterThanOrEqualTo(N / 40);
        assertThat(both).isGreaterThanOrEqualTo(N / 40).isLessThanOrEqualTo(Math.min(shadowAlerts, shadowed.alerts()));
        assertThat(value(text, "kade_shadow_rank_correlation{application=\"kade\"}")).isGreaterThan(0.8).isLessThanOrEqualTo(1.0);
        assertThat(value(text, "kade_shadow_alert_overlap{application=\"kade\"}")).isGreaterThan(0.5).isLessThanOrEqualTo(1.0);
        assertThat(value(text, "kade_shadow_failures_total{application=\"kade\"}")).isZero();
        assertThat(value(text, "kade_anomalies_total{application=\"kade\"}")).isEqualTo(shadowed.alerts());
    }

    @Test
    void aFailingShadowChangesNothingTheServingModelSends() {
        Run alone = run(OnnxModel.load(ShuttleModels.write(dir.resolve("a.onnx"), ShuttleModels.ae())), Optional.empty());
        OnnxModel failing = OnnxModel.load(ShuttleModels.write(dir.resolve("c.onnx"), ShuttleModels.otherAe()));
        ServableModel broken = ServableModel.unowned(new dev.kade.model.Scorer() {
            @Override
            public Scores score(float[][] rows) {
                throw new IllegalStateException("shadow session lost");
            }

            @Override
            public ModelMetadata metadata() {
                return failing.metadata();
            }
        });
        Run shadowed = run(OnnxModel.load(ShuttleModels.write(dir.resolve("b.onnx"), ShuttleModels.ae())), Optional.of(broken));
        failing.close();
        assertThat(shadowed.alerts()).isEqualTo(alone.alerts());
        assertThat(shadowed.scores()).isEqualTo(alone.scores());
        String text = shadowed.meters().scrape();
        assertThat(value(text, "kade_shadow_failures_total{application=\"kade\"}")).isPositive();
        assertThat(value(text, "kade_shadow_records_scored_total{application=\"kade\"}")).isZero();
        assertThat(value(text, "kade_records_scored_total{application=\"kade\"}")).isEqualTo(N);
    }

    private static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + series + " in\n" + scrape));
    }

    private static byte[] json(List<String> features, float[] row, double shiftFirst) {
        StringBuilder b = new StringBuilder("{");
        for (int j = 0; j < features.size(); j++) {
            b.append(j == 0 ? "" : ",").append('"').append(features.get(j)).append("\":").append(row[j] + (j == 0 ? shiftFirst : 0));
        }
        return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }
}
