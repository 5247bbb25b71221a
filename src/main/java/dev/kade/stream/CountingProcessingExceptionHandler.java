package dev.kade.stream;

import dev.kade.metrics.KadeMetrics;
import dev.kade.output.DeadLetterReason;
import dev.kade.output.OutputLimits;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Kafka Streams' log-and-continue processing handler (which, with KIP-1034's dead-letter topic set,
 * sends the failed record there) that also counts the record as
 * {@code kade_dead_letters_total{reason="processing_error"}}, so that records in = scored +
 * dead-lettered holds even when a bug makes the processor throw.
 *
 * <p>Kafka Streams instantiates handlers from a class name; the metrics reach it through the Streams
 * properties under {@link #METRICS_CONFIG}, which {@code dev.kade.app.StreamsSetup} puts there.
 */
public final class CountingProcessingExceptionHandler extends LogAndContinueProcessingExceptionHandler {
    /** Streams property carrying the {@link KadeMetrics} instance (an object, not a string). */
    public static final String METRICS_CONFIG = "kade.internal.metrics";

    private KadeMetrics metrics;
    private BoundedDeadLetters bounded = new BoundedDeadLetters(OutputLimits.DEFAULT, Clock.systemUTC());

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        if (configs.get(METRICS_CONFIG) instanceof KadeMetrics m) {
            this.metrics = m;
        }
        if (configs.get(KadeProductionExceptionHandler.LIMITS_CONFIG) instanceof OutputLimits l) {
            this.bounded = new BoundedDeadLetters(l, Clock.systemUTC());
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        Response response = super.handleError(context, record, exception);
        if (metrics != null) {
            metrics.deadLetter(DeadLetterReason.PROCESSING_ERROR);
        }
        // the dead letter is the raw source record: one too large to send goes as a reference instead
        List<ProducerRecord<byte[], byte[]>> dlq = bounded.bound(response.deadLetterQueueRecords(), context,
                DeadLetterReason.PROCESSING_ERROR);
        return response.result() == Result.RESUME ? Response.resume(dlq) : Response.fail(dlq);
    }
}
