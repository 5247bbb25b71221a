package dev.kade.stream;

import dev.kade.incident.FeedbackBook;
import dev.kade.incident.FeedbackSettings;
import dev.kade.incident.IncidentTracker;
import dev.kade.metrics.KadeMetrics;
import dev.kade.output.DeadLetterReason;
import dev.kade.output.DeadLetters;
import dev.kade.output.Source;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A task's view of the feedback topic ({@code alerts.feedback.topic}): reads the global
 * {@link ScoringTopology#FEEDBACK_STORE} whole into a {@link FeedbackBook} at start and then at most once per
 * {@code alerts.feedback.refresh.ms}, between batches, so a label applies from a task's next batch after the refresh.
 *
 * <p>Bad feedback records go to the dead-letter topic ({@link DeadLetterReason#FEEDBACK_INVALID}) from exactly one
 * task, the first partition's of the scoring sub-topology ({@code 0_0}, which always exists), since the global
 * processor that reads the topic has no sink. That task remembers which it sent in its changelogged incident store
 * (keys under {@link IncidentTracker#FOREIGN_PREFIX}), written in the same flush as the dead letters, so each bad
 * record (each key and value) is dead-lettered once, exactly once under {@code exactly_once_v2}. They are not input
 * records, so they are not counted in {@code kade_dead_letters_total} (whose sum balances the input) but as
 * {@code kade_feedback_labels{label="refused"}}.
 *
 * <p>Owned by one {@link IncidentRouting}, used on its stream thread only.
 */
final class FeedbackRouting {
    private static final String SENT_PREFIX = IncidentTracker.FOREIGN_PREFIX + "feedback-dead-letter\0";

    private final FeedbackSettings settings;
    private final ReadOnlyKeyValueStore<String, byte[]> labels;
    private final KeyValueStore<String, byte[]> own;
    private final ProcessorContext<byte[], byte[]> context;
    private final DeadLetters deadLetters;
    private final KadeMetrics metrics;
    private final Clock clock;
    private final boolean deadLetterer;
    private final long refreshNanos;
    /** Bad records already dead-lettered: store key to a fingerprint of the value. */
    private final Map<String, Long> sent = new HashMap<>();
    private FeedbackBook book = FeedbackBook.EMPTY;
    private long lastRead;
    private boolean read;

    FeedbackRouting(FeedbackSettings settings, ReadOnlyKeyValueStore<String, byte[]> labels, KeyValueStore<String, byte[]> own,
                    ProcessorContext<byte[], byte[]> context, DeadLetters deadLetters, KadeMetrics metrics, Clock clock) {
        this.settings = settings;
        this.labels = labels;
        this.own = own;
        this.context = context;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.clock = clock;
        TaskId task = context.taskId();
        this.deadLetterer = task.subtopology() == 0 && task.partition() == 0;
        this.refreshNanos = settings.refresh().toNanos();
        if (deadLetterer) {
            try (KeyValueIterator<String, byte[]> it = own.all()) {
                it.forEachRemaining(kv -> {
                    if (kv.key.startsWith(SENT_PREFIX)) {
                        sent.put(kv.key.substring(SENT_PREFIX.length()), ByteBuffer.wrap(kv.value).getLong());
                    }
                });
            }
        }
    }

    /** The labels as last read. */
    FeedbackBook book() {
        return book;
    }

    /**
     * Reads the labels again when {@code alerts.feedback.refresh.ms} has passed since the last read (always the first
     * time) and dead-letters bad records not sent yet; called between batches, inside the flush before a commit.
     */
    void refresh() {
        long now = System.nanoTime();
        if (read && now - lastRead < refreshNanos) {
            return;
        }
        read = true;
        lastRead = now;
        book = FeedbackBook.of(settings, action -> {
            try (KeyValueIterator<String, byte[]> it = labels.all()) {
                it.forEachRemaining(kv -> {
                    action.accept(kv.key, kv.value);
                    if (deadLetterer) {
                        deadLetterIfBad(kv.key, kv.value);
                    }
                });
            }
        });
        metrics.feedback(book);
    }

    private void deadLetterIfBad(String key, byte[] value) {
        FeedbackBook.Parsed p = FeedbackBook.parse(value);
        if (p.label() != null) {
            return;
        }
        long print = ((long) value.length << 32) | (Arrays.hashCode(value) & 0xffffffffL);
        Long before = sent.get(key);
        if (before != null && before == print) {
            return;
        }
        byte[] k = key.startsWith("\0") ? null : key.getBytes(StandardCharsets.UTF_8);
        DeadLetters.DeadLetter d = deadLetters.build(k, value, null, DeadLetterReason.FEEDBACK_INVALID,
                p.problem().name().toLowerCase(java.util.Locale.ROOT) + ": " + p.detail(), null,
                new Source(settings.topic().orElse("feedback"), -1, -1), null);
        context.forward(new Record<>(d.key(), d.value(), clock.millis(), d.headers()), ScoringTopology.DEAD_LETTER_SINK);
        sent.put(key, print);
        own.put(SENT_PREFIX + key, ByteBuffer.allocate(Long.BYTES).putLong(print).array());
    }
}
