package dev.kade.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kade.metrics.KadeMetrics;
import dev.kade.output.DeadLetterHeaders;
import dev.kade.output.OutputLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class KadeProductionExceptionHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KadeMetrics metrics = new KadeMetrics("kade");
    private final KadeProductionExceptionHandler handler = new KadeProductionExceptionHandler();

    KadeProductionExceptionHandlerTest() {
        metrics.bindTo(new SimpleMeterRegistry());
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "dlq",
                KadeProductionExceptionHandler.LIMITS_CONFIG, new OutputLimits(OutputLimits.MIN_BYTES),
                CountingProcessingExceptionHandler.METRICS_CONFIG, metrics));
    }

    @Test
    void anOutputTooLargeForItsTopicIsSkippedWithAReferenceToTheDeadLetterTopicNotAFailure() throws Exception {
        var alert = new ProducerRecord<>("alerts", null, 5L, bytes("k"), new byte[2_000_000], (Iterable<org.apache.kafka.common.header.Header>) null);
        ProductionExceptionHandler.Response r = handler.handleError(context(), alert, new RecordTooLargeException("too big"));
        assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(r.deadLetterQueueRecords()).hasSize(1);
        ProducerRecord<byte[], byte[]> ref = r.deadLetterQueueRecords().get(0);
        assertThat(ref.topic()).isEqualTo("dlq");
        assertThat(ref.value().length).isLessThan(500);
        assertThat(JSON.readTree(ref.value()).get("reason").asText()).isEqualTo("output_too_large");
        assertThat(JSON.readTree(ref.value()).get("source").get("offset").asLong()).isEqualTo(42);
        assertThat(new String(ref.headers().lastHeader(DeadLetterHeaders.REFERENCE).value(), StandardCharsets.UTF_8)).isEqualTo("true");
        assertThat(metrics.counts().deadLettered()).isEqualTo(1);
    }

    @Test
    void aDeadLetterThatCannotBeSentIsNeverSentAgain() {
        var dead = new ProducerRecord<>("dlq", bytes("k"), new byte[2_000_000]);
        ProductionExceptionHandler.Response r = handler.handleError(context(), dead, new RecordTooLargeException("too big"));
        assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(r.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void otherSendErrorsFailAsKafkaStreamsDefaultDoesWithADeadLetterThatFits() {
        var alert = new ProducerRecord<>("alerts", bytes("k"), bytes("{}"));
        ProductionExceptionHandler.Response r = handler.handleError(context(), alert,
                new org.apache.kafka.common.errors.InvalidTopicException("no such topic"));
        assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(r.deadLetterQueueRecords()).allSatisfy(d -> assertThat(d.value().length).isLessThanOrEqualTo(OutputLimits.MIN_BYTES));
        assertThat(r.deadLetterQueueRecords()).isNotEmpty();
    }

    private static ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            public String topic() {
                return "metrics";
            }

            public int partition() {
                return 0;
            }

            public long offset() {
                return 42;
            }

            public Headers headers() {
                return new RecordHeaders();
            }

            public String processorNodeId() {
                return "kade-score";
            }

            public TaskId taskId() {
                return new TaskId(0, 0);
            }

            public long timestamp() {
                return 5L;
            }

            public byte[] sourceRawKey() {
                return bytes("k");
            }

            public byte[] sourceRawValue() {
                return new byte[3_000_000];
            }
        };
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
