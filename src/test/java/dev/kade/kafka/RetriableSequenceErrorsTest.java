package dev.kade.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The embedded broker's retriable sequence errors become one WARN line; every other ERROR stays an ERROR. */
class RetriableSequenceErrorsTest {
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();
    private final Logger broker = context.getLogger(RetriableSequenceErrors.BROKER_LOGGER);
    private final Logger other = context.getLogger("kafka.server.SomethingElse");

    @BeforeEach
    void attach() {
        RetriableSequenceErrors.install();
        RetriableSequenceErrors.install(); // once is enough: no second filter
        seen.setContext(context);
        seen.start();
        broker.addAppender(seen);
        other.addAppender(seen);
    }

    @AfterEach
    void detach() {
        broker.detachAppender(seen);
        other.detachAppender(seen);
    }

    @Test
    void demotesTheBrokersOutOfOrderSequenceAppendErrorToOneWarnWithoutStackTrace() {
        assertThat(context.getTurboFilterList()).filteredOn(RetriableSequenceErrors.class::isInstance).hasSize(1);
        broker.error("Error processing append operation on partition abc:kade-alerts-1", new OutOfOrderSequenceException(
                "Invalid sequence number for producer 0 at offset 858 in partition kade-alerts-1: 16 (incoming seq. number)."));

        assertThat(seen.list).hasSize(1);
        ILoggingEvent e = seen.list.get(0);
        assertThat(e.getLevel()).isEqualTo(Level.WARN);
        assertThat(e.getFormattedMessage()).contains("Error processing append operation on partition abc:kade-alerts-1")
                .contains("retriable").contains("16 (incoming seq. number)");
        assertThat(e.getThrowableProxy()).isNull();
    }

    @Test
    void keepsOtherErrorsAsErrors() {
        broker.error("Error processing append operation on partition abc:kade-alerts-1", new RecordTooLargeException("big"));
        other.error("something", new OutOfOrderSequenceException("elsewhere"));
        broker.error("no throwable");

        assertThat(seen.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.ERROR, Level.ERROR, Level.ERROR);
    }
}
