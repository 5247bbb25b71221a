package dev.kade.stream;

import dev.kade.config.KadeConfig;
import dev.kade.metrics.KadeMetrics;
import dev.kade.output.DeadLetterReason;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
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
 * properties under {@link #METRICS_CONFIG}, which {@link #streamsProperties} puts there.
 */
public final class CountingProcessingExceptionHandler extends LogAndContinueProcessingExceptionHandler {
    /** Streams property carrying the {@link KadeMetrics} instance (an object, not a string). */
    public static final String METRICS_CONFIG = "kade.internal.metrics";

    private KadeMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        if (configs.get(METRICS_CONFIG) instanceof KadeMetrics m) {
            this.metrics = m;
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        Response response = super.handleError(context, record, exception);
        if (metrics != null) {
            metrics.deadLetter(DeadLetterReason.PROCESSING_ERROR);
        }
        return response;
    }

    /**
     * The Streams properties of {@code config}, with this handler in place of kade's default
     * log-and-continue handler (a handler the user configured is kept) and the metrics it counts into.
     */
    public static Properties streamsProperties(KadeConfig config, KadeMetrics metrics) {
        Properties p = config.streamsProperties();
        if (LogAndContinueProcessingExceptionHandler.class.getName()
                .equals(p.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG))) {
            p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, CountingProcessingExceptionHandler.class.getName());
        }
        p.put(METRICS_CONFIG, metrics);
        return p;
    }
}
