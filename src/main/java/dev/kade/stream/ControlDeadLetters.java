package dev.kade.stream;

import dev.kade.incident.IncidentTracker;
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

/**
 * Dead letters for the bad records of one control topic (mute rules, feedback labels), each sent once.
 *
 * <p>A control topic is read by a global processor, which has no sink, so its bad records go to the dead-letter topic
 * from exactly one task: the first partition's of the scoring sub-topology ({@code 0_0}, which always exists). That
 * task remembers what it sent in its changelogged incident store (keys under {@link IncidentTracker#FOREIGN_PREFIX}
 * plus this topic's name), written in the same flush as the dead letters, so each bad record (each key and value) is
 * dead-lettered once, exactly once under {@code exactly_once_v2}. A record that changes to another bad value is sent
 * again. These are not input records, so they are not counted in {@code kade_dead_letters_total}, whose sum balances
 * the input.
 *
 * <p>Owned by one routing object, used on its stream thread only.
 */
final class ControlDeadLetters {
    private final String sentPrefix;
    private final DeadLetterReason reason;
    private final String topic;
    private final KeyValueStore<String, byte[]> own;
    private final ProcessorContext<byte[], byte[]> context;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final boolean sender;
    /** Bad records already dead-lettered: store key to a fingerprint of the value. */
    private final Map<String, Long> sent = new HashMap<>();

    /**
     * @param name   this control topic's part of the bookkeeping keys (fixed: changing it forgets what was sent)
     * @param topic  the topic's name as the dead letters' source names it
     * @param own    the task's incident store
     */
    ControlDeadLetters(String name, DeadLetterReason reason, String topic, KeyValueStore<String, byte[]> own,
                       ProcessorContext<byte[], byte[]> context, DeadLetters deadLetters, Clock clock) {
        this.sentPrefix = IncidentTracker.FOREIGN_PREFIX + name + "-dead-letter\0";
        this.reason = reason;
        this.topic = topic;
        this.own = own;
        this.context = context;
        this.deadLetters = deadLetters;
        this.clock = clock;
        TaskId task = context.taskId();
        this.sender = task.subtopology() == 0 && task.partition() == 0;
        if (sender) {
            try (KeyValueIterator<String, byte[]> it = own.all()) {
                it.forEachRemaining(kv -> {
                    if (kv.key.startsWith(sentPrefix)) {
                        sent.put(kv.key.substring(sentPrefix.length()), ByteBuffer.wrap(kv.value).getLong());
                    }
                });
            }
        }
    }

    /** Whether this task is the one that sends the topic's dead letters. */
    boolean sender() {
        return sender;
    }

    /**
     * Dead-letters the bad control record {@code key}/{@code value}, with {@code problem: detail} as the reason's
     * detail, unless this key was already dead-lettered with this value.
     */
    void sendOnce(String key, byte[] value, String problem, String detail) {
        long print = ((long) value.length << 32) | (Arrays.hashCode(value) & 0xffffffffL);
        Long before = sent.get(key);
        if (before != null && before == print) {
            return;
        }
        byte[] k = key.startsWith("\0") ? null : key.getBytes(StandardCharsets.UTF_8);
        DeadLetters.DeadLetter d = deadLetters.build(k, value, null, reason, problem + ": " + detail, null,
                new Source(topic, -1, -1), null);
        context.forward(new Record<>(d.key(), d.value(), clock.millis(), d.headers()), ScoringTopology.DEAD_LETTER_SINK);
        sent.put(key, print);
        own.put(sentPrefix + key, ByteBuffer.allocate(Long.BYTES).putLong(print).array());
    }
}
