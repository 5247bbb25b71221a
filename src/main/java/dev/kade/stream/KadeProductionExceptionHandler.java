package dev.kade.stream;

import dev.kade.metrics.KadeMetrics;
import dev.kade.output.DeadLetterReason;
import dev.kade.output.OutputLimits;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a send fails. kade's processor keeps every output within {@code output.max.bytes},
 * so a {@link RecordTooLargeException} here means a topic accepts less than that (its
 * {@code max.message.bytes} is lower): a misconfiguration, logged at ERROR with the source record's
 * coordinates. It must not kill the stream thread (its replacement would meet the same record and die
 * the same way, stalling the partition forever), and it must not recurse:
 *
 * <ul>
 *   <li>An output too large for its topic: the record is resumed past, and a small reference record
 *       ({@code output_too_large}, source topic, partition and offset) goes to the dead-letter topic.</li>
 *   <li>A dead letter or reference that itself fails: resumed past with nothing sent again, so no error
 *       path sends twice. Logged at ERROR with the source coordinates.</li>
 *   <li>Anything else: Kafka Streams' default (fail), with any dead-letter record it builds kept within
 *       the limit.</li>
 * </ul>
 *
 * Kafka Streams creates handlers from a class name; the limit and metrics reach it through the Streams
 * properties ({@code dev.kade.app.StreamsSetup}).
 */
public final class KadeProductionExceptionHandler extends DefaultProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(KadeProductionExceptionHandler.class);
    /** Streams property carrying the {@link OutputLimits} (an object, not a string). */
    public static final String LIMITS_CONFIG = "kade.internal.output.limits";

    private String deadLetterTopic;
    private BoundedDeadLetters bounded = new BoundedDeadLetters(OutputLimits.DEFAULT, Clock.systemUTC());
    private KadeMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        this.deadLetterTopic = topic == null ? null : topic.toString();
        if (configs.get(LIMITS_CONFIG) instanceof OutputLimits l) {
            this.bounded = new BoundedDeadLetters(l, Clock.systemUTC());
        }
        if (configs.get(CountingProcessingExceptionHandler.METRICS_CONFIG) instanceof KadeMetrics m) {
            this.metrics = m;
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        boolean toDeadLetterTopic = record.topic().equals(deadLetterTopic);
        if (toDeadLetterTopic || BoundedDeadLetters.isReference(record)) {
            LOG.error("cannot send the dead letter of {}-{}@{} to {}: {}; skipping it, the record stays in its input topic",
                    context.topic(), context.partition(), context.offset(), record.topic(), exception.toString());
            return Response.resume();
        }
        if (exception instanceof RecordTooLargeException) {
            LOG.error("output of {}-{}@{} to {} is larger than the topic or producer accepts ({}); set output.max.bytes "
                    + "to fit the topics' max.message.bytes. Sending a reference to the dead-letter topic instead",
                    context.topic(), context.partition(), context.offset(), record.topic(), exception.getMessage());
            if (metrics != null) {
                metrics.deadLetter(DeadLetterReason.OUTPUT_TOO_LARGE);
            }
            if (deadLetterTopic == null) {
                return Response.resume();
            }
            ProducerRecord<byte[], byte[]> reference = bounded.reference(new ProducerRecord<>(deadLetterTopic, null,
                    record.timestamp(), record.key(), record.value(), record.headers()), context, DeadLetterReason.OUTPUT_TOO_LARGE);
            return Response.resume(List.of(reference));
        }
        Response response = super.handleError(context, record, exception);
        return bound(response, context);
    }

    private Response bound(Response response, ErrorHandlerContext context) {
        List<ProducerRecord<byte[], byte[]>> dlq = bounded.bound(response.deadLetterQueueRecords(), context,
                DeadLetterReason.PROCESSING_ERROR);
        return switch (response.result()) {
            case RESUME -> Response.resume(dlq);
            case FAIL -> Response.fail(dlq);
            case RETRY -> response;
        };
    }
}
