package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.app.ScoringApp;
import dev.kade.config.KadeConfig;
import dev.kade.config.ProcessingGuarantee;
import dev.kade.testing.SharedKafka;
import dev.kade.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 8 on a real broker: records produced with a W3C {@code traceparent} and a {@code host} field
 * come back on their alert and score, through the producer and consumer's own header handling (headers a
 * producer has sent are read-only, so each output must have its own) under exactly-once.
 */
class CarriedContextIT {
    @RegisterExtension
    static final SharedKafka BROKER = new SharedKafka();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void traceHeadersAndChosenFieldsReachAlertsAndScores(@TempDir Path dir) throws Exception {
        String bootstrap = BROKER.bootstrapServers();
        String prefix = SharedKafka.unique("carried");
        ScoringScenario.createTopics(bootstrap, 2, prefix + "-in", prefix + "-alerts", prefix + "-scores", prefix + "-dlq");
        Path model = TestModels.writeModel(dir.resolve("model.onnx"), "it-v1");
        Map<String, String> m = ScoringScenario.settings(bootstrap, prefix, model, ProcessingGuarantee.EXACTLY_ONCE_V2);
        m.put("output.fields.copy", "host,request.id");
        KadeConfig config = KadeConfig.fromMap(m);
        int records = 200;
        try (ScoringApp app = ScoringApp.start(config)) {
            assertThat(app.awaitReady(Duration.ofSeconds(60))).as("ready").isTrue();
            Random random = new Random(3);
            try (KafkaProducer<byte[], byte[]> producer = ScoringScenario.producer(bootstrap)) {
                for (int i = 0; i < records; i++) {
                    String body = i % 20 == 7 ? TestModels.anomaly(random) : TestModels.normal(random);
                    body = body.substring(0, body.length() - 1) + ",\"request\":{\"id\":\"req-" + i + "\"}}";
                    Headers h = new RecordHeaders().add("traceparent", bytes(traceparent(i))).add("other", bytes("x"));
                    producer.send(new ProducerRecord<>(prefix + "-in", null, bytes("r" + i), bytes(body), h));
                }
                producer.flush();
            }
            List<ConsumerRecord<byte[], byte[]>> scores = ScoringScenario.consume(bootstrap, prefix + "-scores", records,
                    Duration.ofSeconds(60));
            List<ConsumerRecord<byte[], byte[]>> alerts = ScoringScenario.consume(bootstrap, prefix + "-alerts", records / 20,
                    Duration.ofSeconds(30));
            assertThat(scores).hasSize(records);
            assertThat(alerts).hasSize(records / 20);
            for (ConsumerRecord<byte[], byte[]> r : concat(scores, alerts)) {
                int i = Integer.parseInt(new String(r.key(), StandardCharsets.UTF_8).substring(1));
                assertThat(header(r.headers(), "traceparent")).as("record %d", i).isEqualTo(traceparent(i));
                assertThat(r.headers().lastHeader("other")).isNull();
                JsonNode context = JSON.readTree(r.value()).get("context");
                assertThat(context.get("host").asText()).isEqualTo("h1");
                assertThat(context.get("request.id").asText()).isEqualTo("req-" + i);
            }
        }
    }

    private static String traceparent(int i) {
        return String.format("00-%032x-%016x-01", i + 1, i + 1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(Headers h, String name) {
        Header last = h.lastHeader(name);
        return last == null ? null : new String(last.value(), StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<byte[], byte[]>> concat(List<ConsumerRecord<byte[], byte[]>> a,
                                                             List<ConsumerRecord<byte[], byte[]>> b) {
        List<ConsumerRecord<byte[], byte[]>> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
