package dev.kade.stream;

import dev.kade.incident.IncidentEntity;
import dev.kade.incident.IncidentSettings;
import dev.kade.incident.IncidentTracker;
import dev.kade.incident.MuteBook;
import dev.kade.incident.MuteTopicSettings;
import dev.kade.output.DeadLetterReason;
import dev.kade.output.DeadLetters;
import dev.kade.output.Source;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A task's mute rules: those of the settings ({@code alerts.mute.rules}, {@code alerts.mute.schedules}) and, with
 * {@code alerts.mute.topic}, those of the global {@link ScoringTopology#MUTE_STORE}, read whole into a {@link MuteBook}
 * at start and then at most once per {@code alerts.mute.refresh.ms}, so an operator's change applies from a task's next
 * record after the refresh, without a restart.
 *
 * <p>Bad control records go to the dead-letter topic ({@link DeadLetterReason#MUTE_RULE_INVALID}) from exactly one
 * task ({@code 0_0}), remembered in its changelogged incident store (keys under {@link IncidentTracker#FOREIGN_PREFIX})
 * so each bad record (key and value) is sent once, exactly once under {@code exactly_once_v2}: the scheme of
 * {@link ControlDeadLetters}, which the feedback topic shares. They are not input records, so they are not counted in
 * {@code kade_dead_letters_total}, whose sum balances the input.
 *
 * <p>The entity a rule matches is the incident entity: a windowed model's series entity, else the record key or the
 * input partition ({@code alerts.incident.entity}), in either alert mode.
 *
 * <p>Owned by one processor, used on its stream thread only.
 */
final class MuteRouting {
    private final IncidentSettings settings;
    private final MuteTopicSettings topic;
    private final ReadOnlyKeyValueStore<String, byte[]> rules;
    /** The control topic's dead letters; null without a control topic. */
    private final ControlDeadLetters bad;
    private final long refreshNanos;
    private MuteBook book;
    private long lastRead;
    private boolean read;

    MuteRouting(IncidentSettings settings, ProcessorContext<byte[], byte[]> context, DeadLetters deadLetters, Clock clock) {
        this.settings = settings;
        this.topic = settings.muteTopic();
        this.book = MuteBook.of(settings.muteRules());
        this.refreshNanos = topic.refresh().toNanos();
        if (topic.enabled()) {
            this.rules = context.getStateStore(ScoringTopology.MUTE_STORE);
            this.bad = new ControlDeadLetters("mute", DeadLetterReason.MUTE_RULE_INVALID, topic.topic().orElse("mutes"),
                    context.getStateStore(ScoringTopology.INCIDENT_STORE), context, deadLetters, clock);
        } else {
            this.rules = null;
            this.bad = null;
        }
    }

    /** Whether any rule can apply (settings or control topic); when not, nothing needs looking up. */
    boolean active() {
        return settings.mutes();
    }

    /** Whether a record of {@code entity} at event time {@code at} lies inside a mute window (refreshing the rules when due). */
    boolean muted(String entity, long at) {
        refresh();
        return !book.isEmpty() && book.muted(entity, at);
    }

    /** The rules as last read (tests). */
    MuteBook book() {
        refresh();
        return book;
    }

    /** A per-record model's entity: the record key or its partition ({@code alerts.incident.entity}). */
    String perRecordEntity(byte[] key, Source source) {
        return settings.perRecordEntity() == IncidentEntity.KEY && key != null
                ? new String(key, StandardCharsets.UTF_8) : IncidentRouting.partitionEntity(source);
    }

    private void refresh() {
        if (rules == null) {
            return;
        }
        long now = System.nanoTime();
        if (read && now - lastRead < refreshNanos) {
            return;
        }
        read = true;
        lastRead = now;
        book = MuteBook.of(settings.muteRules(), action -> {
            try (KeyValueIterator<String, byte[]> it = rules.all()) {
                it.forEachRemaining(kv -> {
                    action.accept(kv.key, kv.value);
                    if (bad.sender()) {
                        deadLetterIfBad(kv.key, kv.value);
                    }
                });
            }
        });
    }

    private void deadLetterIfBad(String key, byte[] value) {
        MuteBook.Parsed p = MuteBook.parse(key, value);
        if (p.rule() == null) {
            bad.sendOnce(key, value, p.problem().name().toLowerCase(Locale.ROOT), p.detail());
        }
    }
}
