package dev.kade.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.stream.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonScoreReference} does the work it stands for: every input gives one output, a readable record's output is a
 * score record with kade's fields whose score is the mean square of the named features (so the features were really
 * read, by name and in any order), and an unreadable record is copied unchanged. Without that, its figures would not be
 * the price of JSON in and JSON out.
 */
class JsonScoreReferenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void writesOneScoreRecordPerInputFromTheNamedFeatures() throws Exception {
        Topics topics = new Topics(List.of("in"), "out", Optional.empty(), "dlq");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "json-reference-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver driver = new TopologyTestDriver(JsonScoreReference.topology(topics, List.of("a", "b")), props)) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic("in", new ByteArraySerializer(), new ByteArraySerializer());
            TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic("out", new ByteArrayDeserializer(), new ByteArrayDeserializer());
            in.pipeInput("k".getBytes(StandardCharsets.UTF_8), bytes("{\"b\":2,\"x\":{\"a\":100},\"a\":1.5}"));
            byte[] unreadable = bytes("{\"a\":1");
            in.pipeInput("k".getBytes(StandardCharsets.UTF_8), unreadable);
            in.pipeInput("k".getBytes(StandardCharsets.UTF_8), bytes("{\"a\":0.25}")); // b missing

            JsonNode first = JSON.readTree(out.readValue());
            assertEquals((1.5f * 1.5f + 2f * 2f) / 2, first.get("score").floatValue());
            assertTrue(first.get("anomaly").booleanValue());
            assertEquals(JsonScoreReference.THRESHOLD, first.get("threshold").doubleValue());
            assertEquals(100.0, first.get("percentile").doubleValue());
            assertEquals(JsonScoreReference.MODEL_VERSION, first.get("model_version").textValue());
            assertEquals("in", first.get("source").get("topic").textValue());
            assertEquals(0L, first.get("source").get("offset").longValue());
            assertArrayEquals(unreadable, out.readValue());
            assertEquals("{\"a\":0.25}", new String(out.readValue(), StandardCharsets.UTF_8));
            assertTrue(out.isEmpty());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
