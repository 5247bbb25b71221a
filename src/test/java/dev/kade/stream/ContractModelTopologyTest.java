package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.StreamsSetup;
import dev.kade.config.KadeConfig;
import dev.kade.export.OnnxExporter;
import dev.kade.features.DataSet;
import dev.kade.features.FeatureExtractor;
import dev.kade.metrics.KadeMetrics;
import dev.kade.model.ModelKind;
import dev.kade.onnx.OnnxModel;
import dev.kade.testing.TestModels;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainConfig;
import dev.kade.train.TrainedModel;
import dev.kade.train.Trainer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A model that kade itself trained and exported (contract outputs {@code score} and {@code feature_errors},
 * normalisation in the graph) served by the topology: the stream's alert must agree with ONNX Runtime and
 * name the feature that is off.
 */
class ContractModelTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = ModelKind.class, names = {"AE", "VAE"})
    void trainedModelAlertsOnTheOffFeatureAndAgreesWithOnnxRuntime(ModelKind kind) throws Exception {
        Random random = new Random(11);
        FeatureExtractor extractor = new FeatureExtractor(TestModels.FEATURES);
        float[][] rows = new float[3000][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = extractor.extract(TestModels.normal(random));
        }
        TrainedModel trained = new Trainer().train(DataSet.of(TestModels.FEATURES, rows, "synthetic"),
                TrainConfig.defaults(kind).withEpochs(60), ProgressListener.NONE);
        Path modelFile = dir.resolve("model.onnx");
        OnnxExporter.export(trained, modelFile);

        try (OnnxModel model = OnnxModel.load(modelFile)) {
            KadeConfig config = KadeConfig.fromMap(Map.of("bootstrap.servers", "unused:9092", "input.topics", "metrics",
                    "model.path", modelFile.toString()));
            KadeMetrics metrics = new KadeMetrics("kade");
            metrics.bindTo(new SimpleMeterRegistry());
            TopologyConfig topologyConfig = new TopologyConfig(StreamsSetup.topics(config), config.alertTopFeatures(), Clock.systemUTC());
            try (TopologyTestDriver driver = new TopologyTestDriver(
                    ScoringTopology.build(topologyConfig, ModelRegistry.of(model), metrics), StreamsSetup.properties(config))) {
                TestInputTopic<byte[], byte[]> in = driver.createInputTopic("metrics", new ByteArraySerializer(), new ByteArraySerializer());
                TestOutputTopic<byte[], byte[]> alerts = driver.createOutputTopic("kade-alerts", new ByteArrayDeserializer(), new ByteArrayDeserializer());

                List<String> anomalies = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    anomalies.add(TestModels.anomaly(random));
                }
                for (String a : anomalies) {
                    in.pipeInput(bytes("anomaly"), bytes(a));
                }
                for (int i = 0; i < 1000; i++) {
                    in.pipeInput(bytes("normal"), bytes(TestModels.normal(random)));
                }

                List<JsonNode> got = new ArrayList<>();
                for (byte[] v : alerts.readValuesToList()) {
                    got.add(JSON.readTree(v));
                }
                long anomalyAlerts = got.stream().filter(a -> a.get("key").asText().equals("anomaly")).count();
                long normalAlerts = got.size() - anomalyAlerts;
                // the VAE, trained for 60 epochs here, is a little less sharp than the AE on these rows
                assertThat(anomalyAlerts).isGreaterThanOrEqualTo(45);
                assertThat(normalAlerts).isLessThanOrEqualTo(20); // threshold at the 0.995 validation quantile

                JsonNode first = got.stream().filter(a -> a.get("key").asText().equals("anomaly")).findFirst().orElseThrow();
                int index = first.get("source").get("offset").asInt();
                assertThat(first.get("model").get("kind").asText()).isEqualTo(kind.label());
                assertThat(first.get("model").get("version").asText()).isEqualTo(trained.metadata().version());
                assertThat(first.get("top_features").get(0).get("feature").asText()).isEqualTo("latency_ms");
                assertThat(first.get("percentile").asDouble()).isGreaterThanOrEqualTo(99.5);
                float expected = model.score(new float[][] {extractor.extract(anomalies.get(index))}).score()[0];
                assertThat(first.get("score").asDouble()).isCloseTo(expected, within(1e-5 * Math.max(1, Math.abs(expected))));
                assertThat(first.get("threshold").asDouble()).isEqualTo(trained.metadata().threshold());
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
