package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.StreamsSetup;
import dev.kade.config.KadeConfig;
import dev.kade.input.WireFormat;
import dev.kade.metrics.KadeMetrics;
import dev.kade.onnx.OnnxModel;
import dev.kade.output.DeadLetterHeaders;
import dev.kade.testing.TestModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code input.format=json_schema}: the wire-format header is checked and dropped, the JSON after it scored. */
class JsonSchemaTopologyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private TopologyTestDriver driver;
    private ModelRegistry models;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        if (models != null) {
            models.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void framedJsonIsScoredAndUnframedJsonIsNotWireFormatWithItsOriginalBytes() throws Exception {
        KadeConfig config = KadeConfig.fromMap(Map.of("bootstrap.servers", "unused:9092", "input.topics", "metrics",
                "model.path", dir.resolve("model.onnx").toString(), "input.format", "json_schema"));
        KadeMetrics metrics = new KadeMetrics("kade");
        metrics.bindTo(new SimpleMeterRegistry());
        models = ModelRegistry.of(OnnxModel.load(TestModels.writeModel(dir.resolve("model.onnx"), "v1")));
        driver = new TopologyTestDriver(ScoringTopology.build(StreamsSetup.topology(config), models, metrics),
                StreamsSetup.properties(config, metrics));
        TestInputTopic<byte[], byte[]> in = driver.createInputTopic("metrics", new ByteArraySerializer(), new ByteArraySerializer());
        TestOutputTopic<byte[], byte[]> alerts = driver.createOutputTopic("kade-alerts", new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        TestOutputTopic<byte[], byte[]> dead = driver.createOutputTopic("kade-dead-letters", new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        byte[] plain = bytes(TestModels.record(2, 2, 2 + TestModels.ANOMALY_OFFSET));
        in.pipeInput(bytes("framed"), WireFormat.frame(3, plain));
        in.pipeInput(bytes("plain"), plain);
        assertThat(JSON.readTree(alerts.readValue()).get("features").get("latency_ms").asDouble())
                .isEqualTo(2 + TestModels.ANOMALY_OFFSET);
        TestRecord<byte[], byte[]> d = dead.readRecord();
        assertThat(new String(d.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8))
                .isEqualTo("not_wire_format");
        assertThat(d.value()).isEqualTo(plain);
        assertThat(metrics.counts()).isEqualTo(new KadeMetrics.Counts(2, 1, 1, 1));
    }
}
