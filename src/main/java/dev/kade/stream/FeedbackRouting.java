package dev.kade.stream;

import dev.kade.incident.FeedbackBook;
import dev.kade.incident.FeedbackSettings;
import dev.kade.metrics.KadeMetrics;
import dev.kade.output.DeadLetterReason;
import dev.kade.output.DeadLetters;
import java.time.Clock;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A task's view of the feedback topic ({@code alerts.feedback.topic}): reads the global
 * {@link ScoringTopology#FEEDBACK_STORE} whole into a {@link FeedbackBook} at start and then at most once per
 * {@code alerts.feedback.refresh.ms}, between batches, so a label applies from a task's next batch after the refresh.
 *
 * <p>Bad feedback records go to the dead-letter topic ({@link DeadLetterReason#FEEDBACK_INVALID}) once each, from one
 * task ({@link ControlDeadLetters} says how and why). They are not input records, so they are not counted in
 * {@code kade_dead_letters_total} (whose sum balances the input) but as {@code kade_feedback_labels{label="refused"}}.
 *
 * <p>Owned by one {@link IncidentRouting}, used on its stream thread only.
 */
final class FeedbackRouting {
    private final FeedbackSettings settings;
    private final ReadOnlyKeyValueStore<String, byte[]> labels;
    private final KadeMetrics metrics;
    private final ControlDeadLetters bad;
    private final long refreshNanos;
    private FeedbackBook book = FeedbackBook.EMPTY;
    private long lastRead;
    private boolean read;

    FeedbackRouting(FeedbackSettings settings, ReadOnlyKeyValueStore<String, byte[]> labels, KeyValueStore<String, byte[]> own,
                    ProcessorContext<byte[], byte[]> context, DeadLetters deadLetters, KadeMetrics metrics, Clock clock) {
        this.settings = settings;
        this.labels = labels;
        this.metrics = metrics;
        this.bad = new ControlDeadLetters("feedback", DeadLetterReason.FEEDBACK_INVALID, settings.topic().orElse("feedback"), own,
                context, deadLetters, clock);
        this.refreshNanos = settings.refresh().toNanos();
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
                    if (bad.sender()) {
                        deadLetterIfBad(kv.key, kv.value);
                    }
                });
            }
        });
        metrics.feedback(book);
    }

    private void deadLetterIfBad(String key, byte[] value) {
        FeedbackBook.Parsed p = FeedbackBook.parse(value);
        if (p.label() == null) {
            bad.sendOnce(key, value, p.problem().name().toLowerCase(java.util.Locale.ROOT), p.detail());
        }
    }
}
