package dev.kade.kafka;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Logs the in-process broker's retriable out-of-order-sequence appends as one WARN line instead of an ERROR with
 * a stack trace.
 *
 * <p>Why: with Kafka 4's transactions v2 (KIP-890) a transactional producer's first batch to a partition, sent
 * while the coordinator is still completing the previous transaction, is refused with CONCURRENT_TRANSACTIONS;
 * the producer's pipelined batches behind it then arrive with a sequence number the partition does not expect,
 * and {@code kafka.server.ReplicaManager} logs each as an ERROR "Error processing append operation"
 * (OutOfOrderSequenceException), although the broker answers it as retriable (KAFKA-18202) and the producer
 * resends all of them in order. A normal {@code kade demo} run showed that burst once per output partition,
 * and nothing was lost (records in = scored + dead-lettered). Only this logger and this exception are
 * demoted: a sequence error the producer cannot recover from still fails its send, and Kafka Streams, hence
 * kade, logs that at ERROR.
 *
 * <p>Only the embedded broker (the demo and the tests) installs it; a real broker's logging is its owner's.
 */
final class RetriableSequenceErrors extends TurboFilter {
    static final String BROKER_LOGGER = "kafka.server.ReplicaManager";

    private RetriableSequenceErrors() {
    }

    /** Installs the filter once on Logback's context; does nothing when another slf4j binding is in use. */
    static void install() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                && context.getTurboFilterList().stream().noneMatch(RetriableSequenceErrors.class::isInstance)) {
            RetriableSequenceErrors filter = new RetriableSequenceErrors();
            filter.setContext(context);
            filter.start();
            context.addTurboFilter(filter);
        }
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != Level.ERROR || !(t instanceof OutOfOrderSequenceException) || !BROKER_LOGGER.equals(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        logger.warn("{} (retriable: the producer resends it) {}", format, t.getMessage());
        return FilterReply.DENY;
    }
}
